from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScheduleConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "schedule"
    verbose_name = _("Events and schedule")

    def ready(self):
        from . import changes, versions

        versions.connect_signals()
        changes.connect_signals()
