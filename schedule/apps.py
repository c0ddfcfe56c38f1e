from django.apps import AppConfig


class ScheduleConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "schedule"
    verbose_name = "Events and schedule"

    def ready(self):
        from . import changes, versions

        versions.connect_signals()
        changes.connect_signals()
