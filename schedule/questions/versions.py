"""The per-talk question version: names the question list's ETag.

It lives in the cache only (key ``question-version:<talk pk>``), so the poll that
finds the list unchanged answers 304 without a database query. Any change of a
question of the talk deletes the entry after its transaction commits
(``bump``); the next full render makes a new one (``claim``) *before* it reads
the questions, so a render never labels older rows with a newer version. With
the cache down every poll is a full render: slower, never wrong.

The entry also carries when the talk's questions open and close, so the poll can
tell, without the database, that the list's phase changed (its buttons go away).
"""

import datetime as dt
import secrets
from dataclasses import dataclass

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import post_save

from ..models import Event, Talk

TIMEOUT = 7 * 24 * 3600


@dataclass(frozen=True)
class Version:
    token: str
    opens: float | None  # epoch seconds; None: open since publication
    closes: float

    def phase(self, now: dt.datetime) -> str:
        moment = now.timestamp()
        if self.opens is not None and moment < self.opens:
            return "soon"
        return "open" if moment < self.closes else "closed"


def key(talk_pk: int) -> str:
    return f"question-version:{talk_pk}"


def current(talk_pk: int) -> Version | None:
    """The version, if the cache holds one (no database query)."""
    value = cache.get(key(talk_pk))
    return Version(*value) if isinstance(value, tuple) and len(value) == 3 else None


def claim(talk, opens: dt.datetime | None, closes: dt.datetime) -> Version:
    """The current version of ``talk``'s questions, made if missing. Call before reading them."""
    found = current(talk.pk)
    expected = (opens.timestamp() if opens else None, closes.timestamp())
    if found is not None and (found.opens, found.closes) == expected:
        return found
    version = Version(secrets.token_hex(6), *expected)
    cache.set(key(talk.pk), (version.token, version.opens, version.closes), TIMEOUT)
    return version


def bump(talk_pk: int) -> None:
    """The questions of this talk changed: forget the version once the change commits."""
    transaction.on_commit(lambda: cache.delete(key(talk_pk)))


def _talk_changed(sender, instance, raw=False, **kwargs):
    # Its times (the questions' window) may have moved.
    if not raw:
        bump(instance.pk)


def _event_changed(sender, instance, raw=False, **kwargs):
    if not raw and not instance._state.adding:
        for talk_pk in instance.talks.values_list("pk", flat=True):
            bump(talk_pk)


def connect_signals() -> None:
    post_save.connect(_talk_changed, sender=Talk, dispatch_uid="question-version-talk")
    post_save.connect(_event_changed, sender=Event, dispatch_uid="question-version-event")
