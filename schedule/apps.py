from django.apps import AppConfig


class ScheduleConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "schedule"
    verbose_name = "Events and schedule"

    def ready(self):
        from .cache import connect_signals

        connect_signals()
