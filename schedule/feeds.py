"""Calendar feeds (iCalendar) and the cache shared by every schedule export.

Public feeds (``event_calendar``, ``talk_calendar`` and the frab exports in
``frab.py``) are built from public fields only, never from a room's join URL or
instructions, and cached under the event's version (``feed_key``).

The personal feed (``personal_calendar``) is built per request for the owner of a
calendar token. It adds a room's join URL and instructions to a talk only when
``access.room_access()`` allows it for that user and event.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from urllib.parse import urlsplit

import icalendar
from django.conf import settings
from django.core.cache import caches
from django.utils import timezone

from .access import PrivateRoomDetails, private_room_details, room_access
from .markup import plain_text
from .models import Event, Registration, Talk
from .seo import absolute_url

PRODID = "-//Eventsite//Eventsite schedule 1.0//EN"
# Bump when the output of any feed changes shape, so that cached copies are rebuilt.
FEED_FORMAT = 3
# Calendar apps alert this long before each talk (VALARM).
ALARM_BEFORE = dt.timedelta(minutes=10)
FEED_CACHE_SECONDS = 24 * 60 * 60
# How often calendar apps should poll (REFRESH-INTERVAL, X-PUBLISHED-TTL).
REFRESH_INTERVAL = dt.timedelta(hours=1)
PERSONAL_REFRESH_INTERVAL = dt.timedelta(minutes=15)


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "eventsite.invalid"


# ---------------------------------------------------------------------------
# Cache


def feed_key(event: Event, kind: str) -> str:
    """Names one public feed of ``event`` as it is now (``kind``: "ics", "xml", "json",
    "talk-<pk>"): the event's version, and the base of the links inside."""
    return f"feed:{FEED_FORMAT}:{kind}:{event.pk}:{event.version}:{settings.SITE_URL}"


def cached_feed(event: Event, kind: str, build) -> bytes:
    """The body of a public feed, built by ``build()`` when the cache does not hold it."""
    return caches["pages"].get_or_set(feed_key(event, kind), build, FEED_CACHE_SECONDS)


# ---------------------------------------------------------------------------
# iCalendar


def talk_uid(talk: Talk) -> str:
    """Stable across edits and feeds: the talk's GUID at this site's host."""
    return f"{talk.guid}@{site_host()}"


def talk_description(talk: Talk, private: PrivateRoomDetails | None = None, words=None) -> str:
    """Plain text for calendars: abstract, speakers, Q&A, the talk page.

    ``private`` (from ``access.private_room_details()``) adds the join link and
    instructions at the top; public feeds never pass it.
    """
    parts = []
    if talk.is_cancelled:
        parts.append("This talk is cancelled.")
    if private is not None:
        join = [f"Join: {private.join_url}"] if private.join_url else []
        if private.join_instructions:
            join.append(private.join_instructions)
        parts.append("\n".join(join))
    abstract = plain_text(talk.abstract_html, words)
    if abstract:
        parts.append(abstract)
    speakers = ", ".join(speaker.name for speaker in talk.speaker_list)
    if speakers:
        parts.append(f"Speakers: {speakers}")
    if talk.live_qa_minutes:
        parts.append(
            f"Live Q&A with the speakers for {talk.live_qa_minutes} minutes after the talk."
        )
    parts.append(f"{talk.event.name}: {absolute_url(talk.get_absolute_url())}")
    return "\n\n".join(parts)


def talk_vevent(talk: Talk, private: PrivateRoomDetails | None = None) -> icalendar.Event:
    event = talk.event
    vevent = icalendar.Event()
    vevent.add("uid", talk_uid(talk))
    # Without METHOD, DTSTAMP is when the information was last revised (RFC 5545).
    vevent.add("dtstamp", talk.updated_at)
    vevent.add("created", talk.created_at)
    vevent.add("last-modified", talk.updated_at)
    vevent.add("sequence", talk.sequence)
    vevent.add("dtstart", event.local(talk.start))
    vevent.add("dtend", event.local(talk.end))
    summary = f"Cancelled: {talk.title}" if talk.is_cancelled else talk.title
    # RFC 5545 LANGUAGE: the language the talk is given in.
    language = {"LANGUAGE": talk.language} if talk.language else {}
    vevent.add("summary", summary, parameters=language)
    vevent.add("description", talk_description(talk, private))
    vevent.add("location", talk.room.name)
    vevent.add("url", absolute_url(talk.get_absolute_url()))
    vevent.add("status", "CANCELLED" if talk.is_cancelled else "CONFIRMED")
    if not talk.is_cancelled:
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", talk.title)
        alarm.add("trigger", -ALARM_BEFORE)
        vevent.add_component(alarm)
    if private is not None and private.join_url:
        # RFC 7986 CONFERENCE: calendar apps show it as a "join" button.
        vevent.add(
            "conference",
            private.join_url,
            parameters={"VALUE": "URI", "FEATURE": "VIDEO", "LABEL": talk.room.name},
        )
    return vevent


def _calendar(name: str, *, description="", zone="", refresh=REFRESH_INTERVAL):
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("name", name)
    calendar.add("x-wr-calname", name)
    if description:
        calendar.add("x-wr-caldesc", description)
    if zone:
        calendar.add("x-wr-timezone", zone)
    calendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(refresh))
    return calendar


def _to_ical(calendar, talks) -> bytes:
    """Add the VTIMEZONEs the talks use (only the transitions around them) and serialise."""
    if talks:
        calendar.add_missing_timezones(
            first_date=min(talk.start for talk in talks).date() - dt.timedelta(days=1),
            last_date=max(talk.end for talk in talks).date() + dt.timedelta(days=2),
        )
    return calendar.to_ical()


def event_calendar(event: Event, talks) -> bytes:
    """The public calendar of an event: one VEVENT per public talk, no private details."""
    talks = list(talks)
    calendar = _calendar(event.name, description=event.tagline, zone=event.timezone)
    for talk in talks:
        calendar.add_component(talk_vevent(talk))
    return _to_ical(calendar, talks)


def talk_calendar(talk: Talk) -> bytes:
    """One talk, for "Add to calendar"."""
    calendar = _calendar(talk.title, zone=talk.event.timezone)
    calendar.add_component(talk_vevent(talk))
    return _to_ical(calendar, [talk])


def personal_calendar(user, now=None) -> bytes:
    """The public talks of every published event ``user`` is confirmed for.

    A constant number of queries whatever the number of events and talks: the
    registrations with their events, the verified e-mail check, the talks and
    their speakers. Private room details come from ``room_access()`` per event.
    """
    now = now or timezone.now()
    registrations = list(
        Registration.objects.confirmed()
        .filter(user=user, event__is_published=True)
        .select_related("event")
    )
    events = {registration.event_id: registration.event for registration in registrations}
    talks = list(Talk.objects.public().filter(event__in=events).for_schedule()) if events else []
    rooms = defaultdict(dict)
    for talk in talks:
        talk.event = events[talk.event_id]
        talk.room.event = talk.event  # Room.get_join_path() reads the event's slug.
        rooms[talk.event_id][talk.room_id] = talk.room
    private = {}
    for registration in registrations:
        access = room_access(user, registration.event, registration=registration, now=now)
        for detail in private_room_details(access, rooms[registration.event_id].values()):
            private[detail.room.pk] = detail
    calendar = _calendar(
        "My talks · Eventsite",
        description="Talks of the events you are registered for.",
        refresh=PERSONAL_REFRESH_INTERVAL,
    )
    for talk in talks:
        # A cancelled talk keeps its place in the calendar, without an invite to join.
        details = None if talk.is_cancelled else private.get(talk.room_id)
        calendar.add_component(talk_vevent(talk, details))
    return _to_ical(calendar, talks)
