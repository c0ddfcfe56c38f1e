from django.contrib.admin.apps import AdminConfig


class EventsiteAdminConfig(AdminConfig):
    """Django's admin with the back office's site (``eventsite.admin.AdminSite``)."""

    default_site = "eventsite.admin.AdminSite"
