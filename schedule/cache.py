"""Cached HTML of the public, user-independent parts of the event pages.

Each event has a version token in the Django cache; any change to the event, its
rooms, talks, speakers of its talks or those speakers replaces the token (signal
receivers connected in ``ScheduleConfig.ready()``), so the next request misses the
cache and renders fresh data: no stale page, no timer. Speaker pages list talks of
several events and use one site-wide token that every change replaces as well.

A fragment key holds everything its HTML depends on: the event and its version,
the viewer's zones (``ZoneView.cache_key``) and the "now bucket" of
``programme.now_bucket()``. Nothing user-specific (join panel, registration,
navigation) is ever put in a fragment: views render those around it on every request.

The tokens live in the Django cache, so every app server must share one cache
(Redis via ``CACHE_URL``) for an edit to reach all of them at once.
"""

from __future__ import annotations

import hashlib
import uuid

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_delete, post_init, post_save

PREFIX = "schedule"
FRAGMENT_TIMEOUT = 24 * 60 * 60
SITE_VERSION_KEY = f"{PREFIX}:version:site"


def _event_version_key(event_id) -> str:
    return f"{PREFIX}:version:event:{event_id}"


def _new_token() -> str:
    return uuid.uuid4().hex[:16]


def _version(key: str) -> str:
    token = cache.get(key)
    if token is None:
        # A random first token: a fragment that survived the eviction of its
        # version key can never be mistaken for current.
        cache.add(key, _new_token(), None)
        token = cache.get(key) or _new_token()
    return token


def event_version(event_id) -> str:
    return _version(_event_version_key(event_id))


def site_version() -> str:
    return _version(SITE_VERSION_KEY)


def _bump_now(event_ids) -> None:
    tokens = {_event_version_key(pk): _new_token() for pk in set(event_ids) if pk is not None}
    tokens[SITE_VERSION_KEY] = _new_token()
    cache.set_many(tokens, None)


def bump(*event_ids) -> None:
    """Forget the cached pages of these events (and every speaker page).

    Called at once, and again when the transaction commits: a request that read
    the new token before the commit may have cached the old rows under it.
    """
    _bump_now(event_ids)
    transaction.on_commit(lambda: _bump_now(event_ids))


def fragment_key(kind: str, *parts) -> str:
    raw = ":".join(str(part) for part in parts)
    # Zone names and slugs are safe, but keys must stay short and memcached-clean.
    digest = hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()
    return f"{PREFIX}:{kind}:{digest}"


def get_fragment(key: str):
    return cache.get(key)


def set_fragment(key: str, value) -> None:
    cache.set(key, value, FRAGMENT_TIMEOUT)


def anonymous_page_key(request, kind: str) -> str | None:
    """Key of a whole page for a visitor without cookies of their own, else None.

    Without a session or messages cookie the visitor is anonymous and the page
    (navigation included) is the same for everyone with that URL and zone: it can
    be served with no query at all. Any other query parameter than ``tz`` skips
    the cache, so random URLs cannot fill it.
    """
    from django.conf import settings

    from .timezones import zone_request_key

    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return None
    if request.method != "GET" or set(request.GET) - {"tz"}:
        return None
    return fragment_key(kind, request.get_full_path(), site_version(), zone_request_key(request))


def bounds_key(event_id, version) -> str:
    return f"{PREFIX}:bounds:{event_id}:{version}"


# ---------------------------------------------------------------------------
# Invalidation


def _event_saved(sender, instance, **kwargs):
    bump(instance.pk)


def _remember_event(sender, instance, **kwargs):
    # The event a talk or room was loaded with: moving it must refresh both events.
    # (From __dict__: reading a deferred field here would cost a query per row.)
    instance._schedule_loaded_event_id = instance.__dict__.get("event_id")


def _event_part_saved(sender, instance, **kwargs):
    bump(instance.event_id, getattr(instance, "_schedule_loaded_event_id", None))
    instance._schedule_loaded_event_id = instance.event_id


def _talk_speaker_saved(sender, instance, **kwargs):
    from .models import Talk

    bump(*Talk.objects.filter(pk=instance.talk_id).values_list("event_id", flat=True))


def _speaker_saved(sender, instance, **kwargs):
    from .models import Talk

    events = (
        Talk.objects.filter(talk_speakers__speaker_id=instance.pk)
        .values_list("event_id", flat=True)
        .distinct()
    )
    bump(*events)


def connect_signals() -> None:
    from .models import Event, Room, Speaker, Talk, TalkSpeaker

    receivers = [
        (Event, _event_saved),
        (Room, _event_part_saved),
        (Talk, _event_part_saved),
        (TalkSpeaker, _talk_speaker_saved),
        (Speaker, _speaker_saved),
    ]
    for model in (Room, Talk):
        post_init.connect(
            _remember_event, sender=model, dispatch_uid=f"schedule-cache-init-{model}"
        )
    for model, receiver in receivers:
        for signal in (post_save, post_delete):
            signal.connect(
                receiver,
                sender=model,
                dispatch_uid=f"schedule-cache-{signal is post_save}-{model.__name__}",
            )
