"""The signed-in user of a page view from the shared cache instead of the database.

Django loads ``request.user`` from the database on every request. For the crowd
reading the schedule that one query (and the connection health check before it)
is most of a page's cost, so reads (GET and HEAD) take the user from the cache:

- The cached copy is the row as loaded by the authentication backend (with the
  speaker profile), stored right after Django's own ``auth.get_user`` accepted it.
- It is used only when the session would be accepted for it: the session names
  one of our backends, the user is active and the session's hash matches the
  cached password hash. Anything else (no copy, a mismatch, a password changed on
  another device) falls back to ``auth.get_user``, which decides as it always does
  and signs the session out when it must.
- The copy carries whether the user's e-mail address is verified (asked for by
  the access rules on every event page).
- Copies are stored with the user's version token. Any save or deletion of the
  user, of one of their e-mail addresses or of a speaker profile linked to them
  replaces the token, at once and again on commit: older copies are void, even
  one stored afterwards by a page view that read the row before the change. A
  copy also expires after ``TIMEOUT`` seconds, a bound for writes that bypass
  signals.
- Requests that may change something (POST, PUT, PATCH, DELETE) always load the
  user from the database, so every action works on the current row.

The copy lives in the shared cache (Redis in production), never in a process's
memory, so an app server never acts on a user that another one changed. It holds
the row as it is, password hash included (the session check needs it); the same
cache holds the sessions themselves, which are worth more to an intruder, so it
must be private to the app servers either way (docs/deploy.md).
"""

from __future__ import annotations

import functools
import uuid

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import middleware as auth_middleware
from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

TIMEOUT = 10 * 60
SAFE_METHODS = frozenset({"GET", "HEAD"})


@functools.cache
def _schema() -> str:
    """The user's and speaker's fields: a release that changes them reads new keys."""
    from schedule.cache import stored_fields
    from schedule.models import Speaker

    return stored_fields(auth.get_user_model(), Speaker)[1]


def user_key(user_id) -> str:
    """Where the copy lives: (version token it was loaded under, user)."""
    return f"accounts:user:{_schema()}:{user_id}"


def version_key(user_id) -> str:
    return f"accounts:user-version:{user_id}"


def _new_token() -> str:
    return uuid.uuid4().hex[:16]


def forget(*user_ids) -> None:
    """Void the copies of these users: a new version token now, another on commit
    (a page view between the save and the commit still reads the old row)."""
    keys = [version_key(user_id) for user_id in user_ids if user_id is not None]
    if keys:
        cache.set_many({key: _new_token() for key in keys}, None)
        transaction.on_commit(lambda: cache.set_many({key: _new_token() for key in keys}, None))


def session_user(request):
    """``request.user`` for a read: the cached copy when the session accepts it."""
    session = request.session
    try:
        user_id = auth._get_user_session_key(request)
        backend_path = session[auth.BACKEND_SESSION_KEY]
        session_hash = session[auth.HASH_SESSION_KEY]
    except (KeyError, ValueError):
        return auth.get_user(request)
    if backend_path not in settings.AUTHENTICATION_BACKENDS:
        return auth.get_user(request)
    found = cache.get_many([user_key(user_id), version_key(user_id)])
    version = found.get(version_key(user_id))
    if version is None:  # never changed, or evicted: any older copy is void
        cache.add(version_key(user_id), _new_token(), None)
        version = cache.get(version_key(user_id))
    entry = found.get(user_key(user_id))
    copy = entry[1] if isinstance(entry, tuple) and len(entry) == 2 else None
    if (
        isinstance(copy, auth.get_user_model())
        and entry[0] == version
        and copy.is_active
        and constant_time_compare(session_hash, copy.get_session_auth_hash())
    ):
        return copy
    # Read before the row: a change from here on gives a new token, and the copy
    # stored below under this one is never used.
    user = auth.get_user(request)
    if user.is_authenticated and version is not None:
        from schedule.access import has_verified_email

        # Stored as loaded, with the "e-mail verified" flag the access rules ask
        # for; before this request attaches permissions or anything else.
        has_verified_email(user)
        cache.set(user_key(user.pk), (version, user), TIMEOUT)
    return user


class AuthenticationMiddleware(auth_middleware.AuthenticationMiddleware):
    """Django's middleware, with cached users for GET and HEAD."""

    def process_request(self, request):
        super().process_request(request)
        if request.method in SAFE_METHODS:

            def load():
                if not hasattr(request, "_cached_user"):
                    request._cached_user = session_user(request)
                return request._cached_user

            request.user = SimpleLazyObject(load)


def _user_changed(sender, instance, **kwargs):
    forget(instance.pk)


def _speaker_saving(sender, instance, **kwargs):
    # The profile may be moving to another user: the previous one loses it too.
    if instance.pk is not None:
        previous = sender._default_manager.filter(pk=instance.pk).values_list("user_id")
        forget(*(row[0] for row in previous))


def _user_part_changed(sender, instance, **kwargs):
    forget(instance.user_id)


def connect_signals() -> None:
    from allauth.account.models import EmailAddress

    from schedule.models import Speaker

    user_model = auth.get_user_model()
    for name, signal in (("save", post_save), ("delete", post_delete)):
        signal.connect(_user_changed, sender=user_model, dispatch_uid=f"cached-user-{name}")
        for model in (Speaker, EmailAddress):
            signal.connect(
                _user_part_changed,
                sender=model,
                dispatch_uid=f"cached-user-{model.__name__}-{name}",
            )
    pre_save.connect(_speaker_saving, sender=Speaker, dispatch_uid="cached-speaker-pre-save")
