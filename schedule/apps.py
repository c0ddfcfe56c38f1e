from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScheduleConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "schedule"
    verbose_name = _("Events and schedule")

    def ready(self):
        from . import changes, versions
        from .questions import admin as question_admin  # noqa: F401 - registers QuestionAdmin
        from .questions import services as question_services
        from .questions import versions as question_versions

        versions.connect_signals()
        changes.connect_signals()
        question_versions.connect_signals()
        question_services.connect_signals()
