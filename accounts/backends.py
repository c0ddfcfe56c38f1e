"""Authentication backends that load, with the user, what every page asks of them.

The navigation shows "Speaker profile" to speakers, and the access rules ask
whether the e-mail address is verified: the one query that loads the user for a
request joins the speaker profile and answers the second question too.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Exists, OuterRef


def users_for_requests():
    verified = EmailAddress.objects.filter(
        user=OuterRef("pk"), email__iexact=OuterRef("email"), verified=True
    )
    return (
        get_user_model()
        ._default_manager.select_related("speaker")
        .annotate(email_verified=Exists(verified))
    )


class RequestUserMixin:
    def get_user(self, user_id):
        user = users_for_requests().filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


class EmailModelBackend(RequestUserMixin, ModelBackend):
    """Django's backend (passwords checked by Django's forms)."""


class EmailAllauthBackend(RequestUserMixin, AllauthBackend):
    """allauth's backend (the site's login form)."""
