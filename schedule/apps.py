from django.apps import AppConfig


class ScheduleConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "schedule"
    verbose_name = "Events and schedule"

    def ready(self):
        from . import versions
        from .questions import admin as question_admin  # noqa: F401 - registers QuestionAdmin
        from .questions import versions as question_versions

        versions.connect_signals()
        question_versions.connect_signals()
