from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = _("People")

    def ready(self):
        from allauth.mfa.signals import authenticator_added

        from .two_factor import record_enrolment

        authenticator_added.connect(record_enrolment, dispatch_uid="accounts.record_enrolment")
