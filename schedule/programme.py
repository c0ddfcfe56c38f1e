"""The programme of an event as pages show it: talks with their times in the
viewer's zones, "live now" / "up next" markers, and the schedule grid by day and room.

``Programme`` loads nothing until a template asks: pages read it inside
``{% cache %}`` fragments keyed on ``Programme.key``, so a cached page never
queries the talks.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from django.utils import translation

from . import formats
from .models import Talk
from .timezones import TimeLabel, ZoneView

# "Up next" is shown for the next talk when it starts within this time.
UP_NEXT_WINDOW = dt.timedelta(hours=6)
# How long a fragment is kept: a day, or two minutes while its markers change by the minute.
FRAGMENT_SECONDS = 24 * 60 * 60
LIVE_FRAGMENT_SECONDS = 2 * 60


def is_live(talk: Talk, now: dt.datetime) -> bool:
    return talk.state == Talk.State.PUBLISHED and talk.start <= now < talk.qa_end


def up_next(talks, now: dt.datetime) -> set[int]:
    """Ids of the published talks that start next, within ``UP_NEXT_WINDOW``."""
    upcoming = [t for t in talks if t.state == Talk.State.PUBLISHED and t.start > now]
    if not upcoming:
        return set()
    first = min(t.start for t in upcoming)
    if first - now > UP_NEXT_WINDOW:
        return set()
    return {t.pk for t in upcoming if t.start == first}


def marker_moment(event, now: dt.datetime) -> str:
    """What of ``now`` the markers depend on: "before" the event's days come near,
    "after" they are long over, else the minute (when a talk can start or end)."""
    first, last = event.day_bounds()
    if now < first - UP_NEXT_WINDOW:
        return "before"
    if now >= last + dt.timedelta(days=1) and event.is_past(now):
        return "after"
    return f"{now:%Y%m%d%H%M}"


@dataclass
class TalkEntry:
    talk: Talk
    when: TimeLabel  # the start: "16:00 MSK"
    span: TimeLabel  # start and end: "16:00–16:40 MSK"
    is_live: bool = False
    is_next: bool = False

    @property
    def speakers(self) -> list:
        return self.talk.speaker_list

    @property
    def is_cancelled(self) -> bool:
        return self.talk.is_cancelled

    @property
    def is_draft(self) -> bool:
        return self.talk.state == Talk.State.DRAFT

    @property
    def minutes(self) -> int:
        return int(self.talk.duration.total_seconds() // 60)

    @property
    def day_label(self) -> str:
        return formats.day(self.when.local)


def entries(talks, zones: ZoneView, now: dt.datetime) -> list[TalkEntry]:
    following = up_next(talks, now)
    return [
        TalkEntry(
            talk=talk,
            when=zones.label(talk.start),
            span=zones.range_label(talk.start, talk.end),
            is_live=is_live(talk, now),
            is_next=talk.pk in following,
        )
        for talk in talks
    ]


@dataclass
class ScheduleRow:
    when: TimeLabel
    cells: list  # one (room, [TalkEntry]) pair per room, in room order


@dataclass
class ScheduleDay:
    date: dt.date
    label: str
    rows: list[ScheduleRow] = field(default_factory=list)

    @property
    def iso(self) -> str:
        return self.date.isoformat()


class Programme:
    """The talks of one event as one viewer sees them, loaded on first use.

    ``preview``: the viewer may see drafts (``models.can_preview``); they are then
    listed, under keys of their own.
    """

    def __init__(
        self,
        event,
        zones: ZoneView,
        now: dt.datetime,
        *,
        preview: bool = False,
        talk_language: str = "",
    ):
        self.event, self.zones, self.now, self.preview = event, zones, now, preview
        self.talk_language = talk_language  # "" for all; else only talks given in it
        self.moment = marker_moment(event, now)

    @property
    def key(self) -> str:
        """Everything the fragments depend on (the release is the cache's key prefix)."""
        parts = [
            self.event.pk,
            self.event.version,
            self.moment,
            self.zones.cache_key,
            translation.get_language(),
            "preview" if self.preview else "public",
            self.talk_language or "all",
        ]
        return ":".join(str(part) for part in parts)

    @property
    def seconds(self) -> int:
        """How long to keep a fragment made from it."""
        return FRAGMENT_SECONDS if self.moment in ("before", "after") else LIVE_FRAGMENT_SECONDS

    @cached_property
    def talks(self) -> list[Talk]:
        talks = self.event.talks.public() if not self.preview else self.event.talks.all()
        if self.talk_language:
            talks = talks.filter(language=self.talk_language)
        talks = list(talks.for_schedule())
        for talk in talks:
            talk.event = self.event  # the object the view holds: no query for it
        return talks

    def entry(self, talk: Talk) -> TalkEntry:
        """One talk's entry without loading the others ("up next" asks the database)."""
        is_next = (
            talk.state == Talk.State.PUBLISHED
            and self.now < talk.start <= self.now + UP_NEXT_WINDOW
            and not self.event.talks.published()
            .filter(start__gt=self.now, start__lt=talk.start)
            .exists()
        )
        return TalkEntry(
            talk=talk,
            when=self.zones.label(talk.start),
            span=self.zones.range_label(talk.start, talk.end),
            is_live=is_live(talk, self.now),
            is_next=is_next,
        )

    @cached_property
    def entries(self) -> list[TalkEntry]:
        return entries(self.talks, self.zones, self.now)

    @cached_property
    def rooms(self) -> list:
        """The rooms that have talks, in room order."""
        used = {talk.room_id for talk in self.talks}
        return [room for room in self.event.rooms.all() if room.pk in used]

    @property
    def multi_room(self) -> bool:
        return len(self.rooms) > 1

    @property
    def has_live_qa(self) -> bool:
        return any(t.live_qa_minutes for t in self.talks if not t.is_cancelled)

    @property
    def recordings(self) -> list[TalkEntry]:
        return [entry for entry in self.entries if entry.talk.recording_url]

    @cached_property
    def days(self) -> list[ScheduleDay]:
        """Rows by start time, one cell per room, so that rooms line up in columns."""
        column = {room.pk: index for index, room in enumerate(self.rooms)}
        days: dict[dt.date, ScheduleDay] = {}
        rows: dict[tuple, ScheduleRow] = {}
        for entry in sorted(self.entries, key=lambda e: (e.talk.start, column[e.talk.room_id])):
            date = entry.when.local.date()
            day = days.get(date)
            if day is None:
                day = days[date] = ScheduleDay(date, formats.day(date))
            row = rows.get((date, entry.talk.start))
            if row is None:
                cells = [(room, []) for room in self.rooms]
                row = rows[(date, entry.talk.start)] = ScheduleRow(entry.when, cells)
                day.rows.append(row)
            row.cells[column[entry.talk.room_id]][1].append(entry)
        return list(days.values())
