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

Fragments and whole pages are also kept in a small per-process memory tier (an
LRU of ``LOCAL_ENTRIES``): their keys contain the version token, and a token is
never reused, so a value found under a key is current for as long as that key is
asked for. Only the tiny version token is read from the shared cache per request;
an edit changes it and the next request asks for new keys.
"""

from __future__ import annotations

import functools
import hashlib
import re
import threading
import uuid
from collections import OrderedDict

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


def _versions(*keys) -> dict[str, str]:
    """Several version tokens in one round trip to the cache."""
    found = cache.get_many(keys)
    for key in keys:
        if found.get(key) is None:
            found[key] = _version(key)
    return found


def version_of(event) -> str:
    """``event``'s version token; the one read with it by ``published_event()`` if any."""
    return getattr(event, "_schedule_version", None) or event_version(event.pk)


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


# What the cached HTML and feeds are made by: the templates, the code and the
# static files (their hashed names are in the HTML).
RELEASE_SOURCES = ("eventsite", "schedule", "accounts", "templates", "static")


@functools.cache
def release() -> str:
    """The running release: ``settings.RELEASE`` or a digest of ``RELEASE_SOURCES``.

    Part of every fragment and feed key, so that a deployment reads new keys and
    never serves HTML made by the previous templates (or naming static files that
    are gone). Version tokens are shared by all releases: an edit on a server of
    either release during a rolling deployment refreshes both.
    """
    from django.conf import settings

    if settings.RELEASE:
        return settings.RELEASE
    digest = hashlib.blake2b(digest_size=8)
    for name in RELEASE_SOURCES:
        root = settings.BASE_DIR / name
        for path in sorted(p for p in root.rglob("*") if p.is_file() and p.suffix != ".pyc"):
            digest.update(path.relative_to(settings.BASE_DIR).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


def fragment_key(kind: str, *parts) -> str:
    raw = ":".join(str(part) for part in (release(), *parts))
    # Zone names and slugs are safe, but keys must stay short and memcached-clean.
    digest = hashlib.blake2b(raw.encode(), digest_size=16).hexdigest()
    return f"{PREFIX}:{kind}:{digest}"


class LocalTier:
    """A bounded, thread-safe LRU of values stored under never-reused keys.

    Values are shared by every request of the process: callers must not mutate them.
    """

    def __init__(self, size: int):
        self.size = size
        self._items: OrderedDict[str, object] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def set(self, key: str, value) -> None:
        if value is None:
            return
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def __len__(self) -> int:
        return len(self._items)


LOCAL_ENTRIES = 64
local = LocalTier(LOCAL_ENTRIES)


def get_fragment(key: str):
    """The value under a versioned key: this process's memory, else the shared cache."""
    value = local.get(key)
    if value is None:
        value = cache.get(key)
        local.set(key, value)
    return value


def set_fragment(key: str, value) -> None:
    cache.set(key, value, FRAGMENT_TIMEOUT)
    local.set(key, value)


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


_INDENT = re.compile(r"[ \t]*\n\s*")


def compact_html(html: str) -> str:
    """Template indentation and blank lines out: each run of whitespace that holds a
    line break becomes one line break, which a browser renders the same (the site's
    CSS has no ``white-space: pre``). HTML with ``<pre>`` or ``<textarea>`` is
    returned as it is. Applied once, when a fragment is rendered for the cache."""
    if "<pre" in html or "<textarea" in html:
        return html
    return _INDENT.sub("\n", html)


@functools.cache
def stored_fields(*models) -> tuple[tuple[str, ...], str]:
    """The column names of ``models[0]`` and a digest of all the models' columns.

    Rows and objects kept in the cache are stored under keys holding the digest: a
    release that adds or removes a field reads new keys, never an old shape.
    Computed once per process (on the request path of every event page).
    """
    columns = [tuple(field.attname for field in model._meta.concrete_fields) for model in models]
    every = ":".join(
        f"{model.__name__}.{name}"
        for model, names in zip(models, columns, strict=True)
        for name in names
    )
    return columns[0], hashlib.blake2b(every.encode(), digest_size=4).hexdigest()


def published_event(slug: str):
    """The published event with this slug, or None, from the cache when possible.

    Cached as its field values under the site-wide version (replaced by any change
    to any event) and rebuilt per request, so views get an object of their own.
    Unpublished events are never cached: a miss reads the database.
    """
    from .models import Event

    names, schema = stored_fields(Event)
    # The event's own token is read in the same round trip as the site's, for the
    # pk this slug had last time in this process (only a hint: checked below).
    hint = _slug_pks.get(slug)
    keys = [SITE_VERSION_KEY] + ([_event_version_key(hint)] if hint is not None else [])
    versions = _versions(*keys)
    key = fragment_key("event", slug, schema, versions[SITE_VERSION_KEY])
    values = get_fragment(key)
    if values is None:
        row = Event.objects.published().filter(slug=slug).values_list(*names).first()
        if row is None:
            return None
        values = tuple(row)
        set_fragment(key, values)
    event = Event.from_db("default", names, values)
    if event.pk == hint:
        event._schedule_version = versions[_event_version_key(hint)]
    else:
        if len(_slug_pks) > 10_000:
            _slug_pks.clear()
        _slug_pks[slug] = event.pk
    return event


_slug_pks: dict[str, int] = {}


def event_rooms(event) -> list:
    """``event``'s rooms in their order, from the cache under the event's version.

    Rebuilt per call from field values, like ``published_event()``: each caller
    gets objects of its own. Only ``schedule.access`` decides who sees their
    private fields.
    """
    from .models import Room

    names, schema = stored_fields(Room)
    key = fragment_key("rooms", event.pk, schema, version_of(event))
    rows = get_fragment(key)
    if rows is None:
        rows = tuple(Room.objects.filter(event_id=event.pk).values_list(*names))
        set_fragment(key, rows)
    rooms = [Room.from_db("default", names, row) for row in rows]
    for room in rooms:
        room.event = event  # their join paths name the event: no query for it
    return rooms


def bounds_key(event_id, version) -> str:
    return f"{PREFIX}:bounds:{release()}:{event_id}:{version}"


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
