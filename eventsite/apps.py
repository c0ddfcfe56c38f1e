from django.apps import AppConfig
from django.contrib.admin.apps import AdminConfig
from django.core import checks

from .checks import development_secret_key


class EventsiteConfig(AppConfig):
    """The project package: no models, only the system checks of its settings."""

    name = "eventsite"
    verbose_name = "Eventsite"

    def ready(self):
        checks.register(development_secret_key, checks.Tags.security, deploy=True)


class EventsiteAdminConfig(AdminConfig):
    """Django's admin with the back office's site (``eventsite.admin.AdminSite``)."""

    default_site = "eventsite.admin.AdminSite"
