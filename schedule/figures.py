"""What organisers learn from an event: registrations over time, statuses, who opened
the join link (per room and per talk slot), the no-show rate.

``event_figures(event)`` reads the event's own rows in a fixed number of queries
and returns plain numbers; ``bar_chart`` lays them out as bars for the server-drawn
SVG of ``templates/admin/schedule/event/figures.html``. Nothing here leaves the
event: every query is filtered by it, and no figure names a person.

Who may see an event's figures is decided by ``events_visible_to(user)``, once.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q
from django.db.models.functions import TruncDate
from django.utils.translation import gettext as _

from .models import Event, JoinClick, Message, Question, Registration, Talk
from .teams import events_for

# A join click up to this long before a talk starts counts for that talk.
SLOT_LEAD = dt.timedelta(minutes=15)


def events_visible_to(user):
    """The events whose figures ``user`` may see: those of the user's event teams, all
    of them for a superuser (the back office's one rule, ``teams.events_for``)."""
    return events_for(user)


@dataclass
class Row:
    label: str
    value: int
    extra: int | None = None  # a second number where the table has one (clicks, total)


@dataclass
class MailRow:
    label: str
    sent: int
    pending: int  # waiting or being sent
    failed: int
    dropped: int  # no longer applied when its time came


@dataclass
class QuestionRow:
    label: str
    asked: int
    answered: int


def _mail_rows(event) -> list[MailRow]:
    """Outbox rows of the event per kind and state (one query); kinds with none left out."""
    counts = defaultdict(Counter)
    for kind, state, n in (
        Message.objects.filter(event=event)
        .values_list("kind", "state")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        counts[kind][state] = n
    State = Message.State
    return [
        MailRow(
            str(label),
            counts[kind][State.SENT],
            counts[kind][State.PENDING] + counts[kind][State.SENDING],
            counts[kind][State.FAILED],
            counts[kind][State.DROPPED],
        )
        for kind, label in Message.Kind.choices
        if kind in counts
    ]


def _question_rows(event, talks) -> list[QuestionRow]:
    """Questions asked and answered per published talk (one query)."""
    counts = {
        row["talk"]: row
        for row in Question.objects.filter(talk__event=event)
        .values("talk")
        .annotate(asked=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
        .order_by()
    }
    return [
        QuestionRow(
            talk.title,
            counts.get(talk.pk, {}).get("asked", 0),
            counts.get(talk.pk, {}).get("answered", 0),
        )
        for talk in talks
    ]


@dataclass
class Figures:
    registrations_by_day: list[tuple[dt.date, int, int]]  # (day, new, running total)
    statuses: list[Row]
    rooms: list[Row]  # people who opened the join link, clicks
    slots: list[Row]
    outside_slots: Row
    confirmed: int
    confirmed_who_joined: int
    mail: list[MailRow] = field(default_factory=list)  # per kind of mail, from the outbox
    questions: list[QuestionRow] = field(default_factory=list)  # per talk
    notes: list[str] = field(default_factory=list)

    @property
    def questions_asked(self) -> int:
        return sum(row.asked for row in self.questions)

    @property
    def questions_answered(self) -> int:
        return sum(row.answered for row in self.questions)

    @property
    def no_shows(self) -> int:
        return self.confirmed - self.confirmed_who_joined

    @property
    def no_show_percent(self) -> float | None:
        if not self.confirmed:
            return None
        return round(100 * self.no_shows / self.confirmed, 1)


def _slot_of(talks_by_room, room_id, moment):
    """The talk whose slot in the room holds ``moment``: from ``SLOT_LEAD`` before its
    start to the end of its Q&A; the later talk wins where two slots meet."""
    found = None
    for talk in talks_by_room.get(room_id, ()):
        if talk.start - SLOT_LEAD <= moment < talk.qa_end:
            found = talk
    return found


def event_figures(event: Event) -> Figures:
    """Every figure of ``event`` (eight queries, whatever its size)."""
    registrations = Registration.objects.filter(event=event)
    by_day = (
        registrations.annotate(day=TruncDate("created_at", tzinfo=event.tzinfo))
        .values("day")
        .annotate(new=Count("pk"))
        .order_by("day")
    )
    running, days = 0, []
    for row in by_day:
        running += row["new"]
        days.append((row["day"], row["new"], running))

    counts = dict(registrations.values_list("status").annotate(n=Count("pk")).order_by())
    statuses = [
        Row(str(label), counts.get(status, 0)) for status, label in Registration.Status.choices
    ]

    rooms = list(event.rooms.all())
    talks = list(
        Talk.objects.published().filter(event=event).select_related("room").order_by("start")
    )
    talks_by_room = defaultdict(list)
    for talk in talks:
        talks_by_room[talk.room_id].append(talk)

    clicks = JoinClick.objects.filter(room__event=event).values_list(
        "room_id", "user_id", "clicked_at"
    )
    room_people, room_clicks = defaultdict(set), Counter()
    slot_people, slot_clicks = defaultdict(set), Counter()
    for room_id, user_id, moment in clicks.iterator():
        room_people[room_id].add(user_id)
        room_clicks[room_id] += 1
        talk = _slot_of(talks_by_room, room_id, moment)
        key = talk.pk if talk else None
        slot_people[key].add(user_id)
        slot_clicks[key] += 1

    confirmed = registrations.filter(status=Registration.Status.CONFIRMED).aggregate(
        total=Count("pk"),
        joined=Count(
            "pk",
            filter=Q(Exists(JoinClick.objects.filter(user=OuterRef("user"), room__event=event))),
        ),
    )
    multi_room = len(rooms) > 1
    return Figures(
        registrations_by_day=days,
        statuses=statuses,
        rooms=[Row(room.name, len(room_people[room.pk]), room_clicks[room.pk]) for room in rooms],
        slots=[
            Row(
                f"{event.local(talk.start):%H:%M} {talk.title}"
                + (f" ({talk.room.name})" if multi_room else ""),
                len(slot_people[talk.pk]),
                slot_clicks[talk.pk],
            )
            for talk in talks
        ],
        outside_slots=Row(_("Outside talk times"), len(slot_people[None]), slot_clicks[None]),
        confirmed=confirmed["total"],
        confirmed_who_joined=confirmed["joined"],
        mail=_mail_rows(event),
        questions=_question_rows(event, talks),
    )


# ---------------------------------------------------------------------------
# Charts: geometry for the SVG in the template


@dataclass
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float

    @property
    def label_x(self) -> float:  # a row's label ends just before its bar
        return self.x - 8

    @property
    def value_x(self) -> float:  # the number follows the bar
        return self.x + self.width + 6

    @property
    def text_y(self) -> float:
        return self.y + self.height * 0.72

    @property
    def centre_x(self) -> float:
        return self.x + self.width / 2


@dataclass
class Chart:
    bars: list[Bar]
    width: int
    height: int
    maximum: int


def bar_chart(rows: list[tuple[str, int]], *, width=640, bar_height=22, gap=10, label_width=260):
    """Horizontal bars, one per (label, value), scaled to the largest value."""
    maximum = max((value for _, value in rows), default=0)
    room = width - label_width - 60  # the value is written after the bar
    bars = [
        Bar(
            label=label,
            value=value,
            x=label_width,
            y=index * (bar_height + gap),
            width=(room * value / maximum) if maximum else 0,
            height=bar_height,
        )
        for index, (label, value) in enumerate(rows)
    ]
    height = max(len(rows) * (bar_height + gap) - gap, bar_height)
    return Chart(bars, width, height, maximum)


def column_chart(rows: list[tuple[str, int]], *, width=640, height=200, gap=2):
    """Vertical columns over time, one per (label, value); labels under the first and last."""
    maximum = max((value for _, value in rows), default=0)
    step = width / max(len(rows), 1)
    bars = []
    for index, (label, value) in enumerate(rows):
        bar_height = (height * value / maximum) if maximum else 0
        bars.append(
            Bar(
                label=label,
                value=value,
                x=index * step + gap / 2,
                y=height - bar_height,
                width=max(step - gap, 1),
                height=bar_height,
            )
        )
    return Chart(bars, width, height, maximum)
