"""Authentication backends that load the user's speaker profile with the user.

The navigation shows "Speaker profile" to speakers on every page; loading the
one-to-one link in the same query as the user keeps that free.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class SpeakerJoinMixin:
    def get_user(self, user_id):
        user_model = get_user_model()
        try:
            user = user_model._default_manager.select_related("speaker").get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None


class EmailModelBackend(SpeakerJoinMixin, ModelBackend):
    """Django's backend (the admin's login form)."""


class EmailAllauthBackend(SpeakerJoinMixin, AllauthBackend):
    """allauth's backend (the site's login form)."""
