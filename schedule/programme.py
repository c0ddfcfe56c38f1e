"""The programme of an event as pages show it: talks with their times in the
viewer's zones, "live now" / "up next" markers, and the schedule grid by day and room.

Markers depend on the moment of the request. They change only at a few instants
(a talk starts, its live Q&A ends, the up-next window opens, the event ends), so
``now_bucket()`` numbers the stretch of time between two such instants; a cached
fragment keyed by that number stays correct without expiring on a timer.
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field

from django.utils import dateformat

from .models import Talk
from .timezones import TimeLabel, ZoneView

# "Up next" is shown for the next talk when it starts within this time.
UP_NEXT_WINDOW = dt.timedelta(hours=6)


def load_talks(event, user=None) -> list[Talk]:
    """Talks of ``event`` that ``user`` may see, rooms and speakers loaded (2 queries)."""
    talks = list(event.talks.visible_to(user).for_schedule())
    for talk in talks:
        talk.event = event  # the same object the view already holds
    return talks


def _is_on_air(talk: Talk) -> bool:
    return talk.state == Talk.State.PUBLISHED


def boundaries(event, talks) -> list[float]:
    """Sorted instants (timestamps) at which a marker or the past/upcoming state changes."""
    points = {event.start.timestamp(), event.end.timestamp()}
    for talk in talks:
        if _is_on_air(talk):
            points.update(
                (
                    (talk.start - UP_NEXT_WINDOW).timestamp(),
                    talk.start.timestamp(),
                    talk.qa_end.timestamp(),
                )
            )
    return sorted(points)


def now_bucket(points: list[float], now: dt.datetime) -> int:
    return bisect.bisect_right(points, now.timestamp())


def markers(talks, now: dt.datetime) -> tuple[set[int], set[int]]:
    """(ids of talks live now, ids of talks up next)."""
    live = {t.pk for t in talks if _is_on_air(t) and t.start <= now < t.qa_end}
    upcoming = [t for t in talks if _is_on_air(t) and t.start > now]
    if not upcoming:
        return live, set()
    first = min(t.start for t in upcoming)
    if first - now > UP_NEXT_WINDOW:
        return live, set()
    return live, {t.pk for t in upcoming if t.start == first}


@dataclass
class TalkEntry:
    talk: Talk
    when: TimeLabel  # the start: "16:00 MSK"
    span: TimeLabel  # start and end: "16:00–16:40 MSK"
    speakers: list
    is_live: bool = False
    is_next: bool = False

    @property
    def is_cancelled(self) -> bool:
        return self.talk.state == Talk.State.CANCELLED

    @property
    def is_draft(self) -> bool:
        return self.talk.state == Talk.State.DRAFT

    @property
    def minutes(self) -> int:
        return int(self.talk.duration.total_seconds() // 60)

    @property
    def day_label(self) -> str:
        return day_label(self.when.local)


def entries(talks, zones: ZoneView, now: dt.datetime) -> list[TalkEntry]:
    live, upcoming = markers(talks, now)
    return [
        TalkEntry(
            talk=talk,
            when=zones.label(talk.start),
            span=zones.range_label(talk.start, talk.end),
            speakers=talk.speaker_list,
            is_live=talk.pk in live,
            is_next=talk.pk in upcoming,
        )
        for talk in talks
    ]


def day_label(day: dt.datetime) -> str:
    return dateformat.format(day, "l j F Y")


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


def schedule_days(talk_entries: list[TalkEntry], zones: ZoneView) -> tuple[list, list]:
    """(rooms, days): rows by start time, one cell per room so rooms line up in columns."""
    rooms = sorted({e.talk.room for e in talk_entries}, key=lambda r: (r.position, r.name, r.pk))
    column = {room.pk: index for index, room in enumerate(rooms)}
    days: dict[dt.date, ScheduleDay] = {}
    rows: dict[tuple, ScheduleRow] = {}
    for entry in sorted(talk_entries, key=lambda e: (e.talk.start, column[e.talk.room_id])):
        local = entry.when.local
        day = days.get(local.date())
        if day is None:
            day = days[local.date()] = ScheduleDay(local.date(), day_label(local))
        row = rows.get((local.date(), entry.talk.start))
        if row is None:
            row = rows[(local.date(), entry.talk.start)] = ScheduleRow(
                zones.label(entry.talk.start), [(room, []) for room in rooms]
            )
            day.rows.append(row)
        row.cells[column[entry.talk.room_id]][1].append(entry)
    return rooms, list(days.values())
