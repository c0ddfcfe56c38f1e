"""The frab / c3voc schedule format, as XML and JSON.

The format that frab, pretalx and the c3voc tools publish and that Giggity,
EventFahrplan, info-beamer and the video team's tracker read: see
https://c3voc.de/wiki/schedule and the voc/schedule validator (``schedule.xml.xsd``,
``validator/json/schema.json``). Both documents come from one ``schedule_data()``
so they always say the same thing.

Only published talks are listed: the format has no "cancelled" state, and apps
such as EventFahrplan mark a talk that disappears from a new version as cancelled.
Rooms carry their name and stable GUID, never a join URL or instructions.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import unicodedata
import uuid
import xml.etree.ElementTree as ET

from .markup import plain_text
from .models import Event, Room, Talk
from .seo import absolute_url

XML_CONTENT_TYPE = "application/vnd.c3voc.schedule+xml"
JSON_SCHEMA = "https://c3voc.de/schedule/schema.json"
GENERATOR = "Eventsite"  # the XML's <generator name>, the JSON's generator.name
TIMESLOT = "00:05"
RECORDING = "Recording"  # the title of a talk's recording among its links
# frab cuts its talk slugs to this length, at a word boundary.
SLUG_LENGTH = 240
# Zone names the c3voc JSON schema refuses (its time_zone_name pattern wants Area/City
# or UTC), as the zones they are links to in the IANA database: same offsets and rules.
ZONE_NAMES = {
    "GMT": "UTC",
    "US/Alaska": "America/Anchorage",
    "US/Arizona": "America/Phoenix",
    "US/Central": "America/Chicago",
    "US/Eastern": "America/New_York",
    "US/Hawaii": "Pacific/Honolulu",
    "US/Mountain": "America/Denver",
    "US/Pacific": "America/Los_Angeles",
}
# Characters XML 1.0 cannot carry; a pasted abstract may hold them.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def hours_minutes(value: dt.timedelta) -> str:
    """A duration as HH:MM (40 minutes: "00:40")."""
    minutes = int(value.total_seconds()) // 60
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


# Cyrillic (Russian, Ukrainian, Belarusian) in Latin letters, for slugs; accents are
# dropped after it (é → e), and letters of other scripts have no ASCII form.
_TRANSLITERATION = str.maketrans(
    {
        **dict(zip("абвгдезийклмнопрстуфыэґіў", "abvgdeziyklmnoprstufyegiu", strict=True)),
        **{"ё": "e", "ж": "zh", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch"},
        **{"ъ": "", "ь": "", "ю": "yu", "я": "ya", "є": "ye", "ї": "yi"},
        **{"ß": "ss", "æ": "ae", "œ": "oe", "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th"},
    }
)


def slug_words(text: str) -> str:
    """``text`` as lower-case ASCII words joined by underscores; "" when none is left."""
    text = unicodedata.normalize("NFC", text).lower().translate(_TRANSLITERATION)
    text = unicodedata.normalize("NFKD", text)  # é: e and an accent, dropped below
    return re.sub(r"[^a-z0-9]+", "_", text.encode("ascii", "ignore").decode()).strip("_")


def acronym(event: Event) -> str:
    """The event's slug as the schema's acronym: lower case, underscores, 4+ characters.

    A shorter slug gets the event's year: "ai" gives "ai_2030".
    """
    words = slug_words(event.slug)
    if len(words) < 4:
        words = "_".join(filter(None, [words, f"{event.local_start.year:04d}"]))
    return words


def talk_slug(talk: Talk) -> str:
    """frab's slug of a talk: acronym, id and title words, ``ml_art_2020-12-a_designer``.

    The XML schema wants 4+ characters after the acronym's hyphen and the JSON schema
    a letter or digit at the end: a title with no usable words (all Chinese, say, or
    "X" of talk 7) gives way to the words of the talk's address slug, then to "talk".
    """
    for words in (slug_words(talk.title), slug_words(talk.slug), "talk"):
        if words and len(f"{talk.pk}-{words}") >= 4:
            break
    prefix = f"{acronym(talk.event)}-{talk.pk}-"
    room = SLUG_LENGTH - len(prefix)
    if len(words) > room:
        cut = words[: room + 1]
        words = cut.rsplit("_", 1)[0] if "_" in cut else cut[:room]
    return prefix + words


def zone_name(name: str) -> str:
    """The event's time zone under a name the schema accepts ("US/Eastern": its link)."""
    return ZONE_NAMES.get(name, name)


def person_guid(speaker) -> uuid.UUID:
    # The schema suggests uuid5 of the e-mail address; a speaker's e-mail is private
    # (and guessable from its hash), so the GUID names the speaker's stable id instead.
    return uuid.uuid5(uuid.NAMESPACE_URL, absolute_url(f"/speakers/id/{speaker.pk}"))


def _talk(talk: Talk) -> dict:
    event = talk.event
    start = event.local(talk.start)
    links = [{"url": talk.teaser_url, "title": "Teaser"}] if talk.teaser_url else []
    if talk.recording_url:
        # The JSON has no field of its own for it: a link of the schema's type "media".
        links.append({"url": talk.recording_url, "title": RECORDING, "type": "media"})
    return {
        "guid": str(talk.guid),
        "id": talk.pk,
        "date": start.isoformat(),
        "start": f"{start:%H:%M}",
        "duration": hours_minutes(talk.duration),
        "room": talk.room.name,
        "slug": talk_slug(talk),
        "url": absolute_url(talk.get_absolute_url()),
        "title": talk.title,
        "subtitle": "",
        "track": "",
        "type": "talk",
        "language": talk.language,
        "abstract": plain_text(talk.abstract_html),
        "description": "",
        # What frab and pretalx send when they know nothing more. Only keys the c3voc
        # JSON schema lists: it allows no other (it once required "answers", now refuses it).
        "logo": "",
        "recording_license": "",
        "do_not_record": False,
        "persons": [
            {"id": speaker.pk, "guid": str(person_guid(speaker)), "public_name": speaker.name}
            for speaker in talk.speaker_list
        ],
        "links": links,
        "attachments": [],
    }


def _days(event: Event, talks) -> list[dt.date]:
    dates = {event.local(talk.start).date() for talk in talks}
    first = min({event.local_start.date(), *dates})
    last = max({event.local_end.date(), *dates})
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def schedule_data(event: Event, talks, rooms, version: str) -> dict:
    """The schedule as the c3voc JSON document (a dict).

    ``talks``: published talks from ``Talk.objects.for_schedule()``; ``rooms``: all
    rooms of the event in their order; ``version``: a label that changes with it.
    """
    talks = list(talks)
    rooms = list(rooms)
    zone = event.tzinfo
    days = []
    for index, date in enumerate(_days(event, talks), start=1):
        day_start = dt.datetime.combine(date, dt.time.min, tzinfo=zone)
        day_end = dt.datetime.combine(date + dt.timedelta(days=1), dt.time.min, tzinfo=zone)
        by_room = {room.name: [] for room in rooms}
        for talk in talks:
            if event.local(talk.start).date() == date:
                by_room.setdefault(talk.room.name, []).append(_talk(talk))
        days.append(
            {
                "index": index,
                "date": date.isoformat(),
                "day_start": day_start.isoformat(),
                "day_end": day_end.isoformat(),
                "rooms": by_room,
            }
        )
    return {
        "$schema": JSON_SCHEMA,
        "generator": {"name": GENERATOR},
        "schedule": {
            "version": version,
            "base_url": absolute_url("/"),
            "conference": {
                "acronym": acronym(event),
                "title": event.name,
                "start": event.local_start.date().isoformat(),
                "end": event.local_end.date().isoformat(),
                "daysCount": len(days),
                "timeslot_duration": TIMESLOT,
                "time_zone_name": zone_name(event.timezone),
                "url": absolute_url(event.get_absolute_url()),
                "rooms": [_room(room) for room in rooms],
                "days": days,
            },
        },
    }


def _room(room: Room) -> dict:
    # Public fields only: a room's join URL and instructions are private.
    return {"name": room.name, "guid": str(room.guid), "description": room.description}


def schedule_json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=1).encode()


def _text(value) -> str:
    return _XML_INVALID.sub("", "" if value is None else str(value))


def _sub(parent, tag: str, text=None, **attributes):
    element = ET.SubElement(parent, tag, {key: _text(value) for key, value in attributes.items()})
    if text is not None:
        element.text = _text(text)
    return element


def schedule_xml(data: dict) -> bytes:
    """The same schedule as frab XML: schedule → conference, day → room → event."""
    schedule = data["schedule"]
    conference = schedule["conference"]
    root = ET.Element("schedule")
    _sub(root, "generator", name=data["generator"]["name"])
    _sub(root, "version", schedule["version"])
    head = _sub(root, "conference")
    _sub(head, "acronym", conference["acronym"])
    _sub(head, "title", conference["title"])
    _sub(head, "start", conference["start"])
    _sub(head, "end", conference["end"])
    _sub(head, "days", conference["daysCount"])
    _sub(head, "timeslot_duration", conference["timeslot_duration"])
    _sub(head, "base_url", schedule["base_url"])
    _sub(head, "time_zone_name", conference["time_zone_name"])
    for day in conference["days"]:
        day_element = _sub(
            root,
            "day",
            index=day["index"],
            date=day["date"],
            start=day["day_start"],
            end=day["day_end"],
        )
        for room_name, talks in day["rooms"].items():
            room_element = _sub(day_element, "room", name=room_name)
            for talk in talks:
                _xml_talk(room_element, talk)
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _xml_talk(parent, talk: dict):
    element = _sub(parent, "event", guid=talk["guid"], id=talk["id"])
    for name in (
        "date", "start", "duration", "room", "slug", "url", "title", "subtitle", "track",
        "type", "language", "abstract", "description",
    ):  # fmt: skip
        _sub(element, name, talk[name])
    # <recording>: the XSD's place for the licence, the opt-out and the recording's URL
    # (voc/schedule writes the JSON's recording_license and do_not_record there).
    recording = _sub(element, "recording")
    _sub(recording, "license", talk["recording_license"])
    _sub(recording, "optout", "true" if talk["do_not_record"] else "false")
    for link in talk["links"]:
        if link["title"] == RECORDING and link.get("type") == "media":
            _sub(recording, "url", link["url"])
    persons = _sub(element, "persons")
    for person in talk["persons"]:
        _sub(persons, "person", person["public_name"], id=person["id"])
    links = _sub(element, "links")
    for link in talk["links"]:
        _sub(
            links,
            "link",
            link["title"],
            href=link["url"],
            **({"type": link["type"]} if "type" in link else {}),
        )
    attachments = _sub(element, "attachments")
    for attachment in talk["attachments"]:
        _sub(attachments, "attachment", attachment["title"], href=attachment["url"])
