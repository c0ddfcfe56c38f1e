"""Small factory functions for tests: each makes a valid object with sensible defaults."""

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.db.models import F

from accounts.models import User
from schedule import benchdata
from schedule.models import Event, Registration, Room, Speaker, Talk, TalkSpeaker

_counter = itertools.count(1)
MOSCOW = ZoneInfo("Europe/Moscow")
PASSWORD = "correct-horse-battery-staple"


def make_user(email=None, *, verified=True, password=PASSWORD, **fields):
    email = email or f"user{next(_counter)}@example.com"
    user = User.objects.create_user(email, password, **fields)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


def make_event(slug=None, *, day=dt.date(2030, 6, 1), zone="Europe/Moscow", **fields):
    n = next(_counter)
    tz = ZoneInfo(zone)
    values = {
        "slug": slug or f"event-{n}",
        "name": f"Event {n}",
        "timezone": zone,
        "start": dt.datetime.combine(day, dt.time(10, 0), tzinfo=tz),
        "end": dt.datetime.combine(day, dt.time(20, 0), tzinfo=tz),
        "is_published": True,
        "access_reveal_minutes": 0,
    }
    values.update(fields)
    return Event.objects.create(**values)


def make_room(event, slug=None, **fields):
    n = next(_counter)
    values = {
        "name": f"Room {n}",
        "slug": slug or f"room-{n}",
        "join_url": f"https://video.example/secret-room-{n}",
        "join_instructions": f"Secret instructions {n}",
    }
    values.update(fields)
    return Room.objects.create(event=event, **values)


def make_speaker(slug=None, **fields):
    n = next(_counter)
    values = {"name": f"Speaker {n}", "slug": slug or f"speaker-{n}", "bio": f"Bio {n}"}
    values.update(fields)
    return Speaker.objects.create(**values)


def make_talk(event, room=None, *, start=None, minutes=30, speakers=(), **fields):
    n = next(_counter)
    room = room or make_room(event)
    start = start or event.start
    values = {
        "title": f"Talk {n}",
        "slug": f"talk-{n}",
        "start": start,
        "end": start + dt.timedelta(minutes=minutes),
        "state": Talk.State.PUBLISHED,
    }
    values.update(fields)
    talk = Talk.objects.create(event=event, room=room, **values)
    for position, speaker in enumerate(speakers):
        TalkSpeaker.objects.create(talk=talk, speaker=speaker, position=position)
    return talk


def make_registration(user, event, status=Registration.Status.CONFIRMED, **fields):
    registration = Registration.objects.create(user=user, event=event, status=status, **fields)
    if status == Registration.Status.CONFIRMED:
        # As schedule/registration.py does: the event's counter of taken places.
        Event.objects.filter(pk=event.pk).update(places_taken=F("places_taken") + 1)
        event.refresh_from_db(fields=["places_taken"])
    return registration


def make_big_event(talks=300, rooms=3, days=3, slug="big-event"):
    """An event of ``talks`` talks over ``days`` days and ``rooms`` rooms, one speaker each."""
    return benchdata.make_big_event(
        slug, talks=talks, rooms=rooms, days=days, speaker_slug_prefix="big-speaker"
    )
