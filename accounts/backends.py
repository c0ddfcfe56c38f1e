"""Authentication backends that load, with the user, what every page asks of them.

The navigation shows "Speaker profile" to speakers, and the access rules ask
whether the e-mail address is verified: the one query that loads the user for a
request answers both (``email_verified``, ``is_speaker``). It is written out once,
here, because an ORM ``Exists()`` annotation costs more to compile on every
request than the whole query takes to run.
"""

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connection

from schedule.models import Speaker


def _user_with_flags_sql() -> str:
    q = connection.ops.quote_name
    users = q(get_user_model()._meta.db_table)
    addresses, speakers = q(EmailAddress._meta.db_table), q(Speaker._meta.db_table)
    # Only table and column names from the models go in, quoted; the id is a parameter.
    sql = (
        f"SELECT u.*, EXISTS (SELECT 1 FROM {addresses} e WHERE e.{q('user_id')} = u.{q('id')}"  # noqa: S608
        f" AND e.{q('verified')} AND e.{q('primary')}) AS email_verified,"
        f" EXISTS (SELECT 1 FROM {speakers} s WHERE s.{q('user_id')} = u.{q('id')}) AS is_speaker"
        f" FROM {users} u WHERE u.{q('id')} = %s"
    )
    return sql


class RequestUserMixin:
    def get_user(self, user_id):
        found = list(get_user_model()._default_manager.raw(_user_with_flags_sql(), [user_id]))
        user = found[0] if found else None
        return user if user is not None and self.user_can_authenticate(user) else None


class EmailModelBackend(RequestUserMixin, ModelBackend):
    """Django's backend (passwords checked by Django's forms)."""


class EmailAllauthBackend(RequestUserMixin, AllauthBackend):
    """allauth's backend (the site's login form)."""
