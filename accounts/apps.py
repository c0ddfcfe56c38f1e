from django.apps import AppConfig


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = "People"

    def ready(self):
        from .cached_auth import connect_signals

        connect_signals()
