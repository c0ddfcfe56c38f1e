"""Reminders before an event: who gets which, and when.

Each event has two lead times (``first_reminder_minutes``, default a day, and
``second_reminder_minutes``, default 10 minutes; 0 turns one off). The minute
sweep (``tasks.every_minute``) calls ``queue_due()``: for each event whose
reminder time has come and that has not started, it writes one outbox row per
person who has room access at that moment (``access.room_access``: confirmed,
verified; the join link itself only past the reveal time), who registered before
the reminder time (no late reminder for a later registration) and who has not
turned reminders off. The mail is built again at sending time, so a person
cancelled or moved to the waitlist in between gets nothing.
"""

from __future__ import annotations

import datetime as dt

from allauth.account.models import EmailAddress
from django.db.models import Exists, OuterRef
from django.utils import timezone

from . import outbox, unsubscribe
from .access import ALLOWED, NOT_YET, room_access
from .models import Event, Message

# Events further ahead than this are not looked at (no lead time is that long).
LOOKAHEAD = dt.timedelta(days=60)


def reminder_leads(event: Event) -> list[int]:
    """The event's lead times in minutes, longest first, without the ones turned off."""
    leads = {event.first_reminder_minutes, event.second_reminder_minutes} - {0}
    return sorted(leads, reverse=True)


def due_lead(event: Event, now) -> int | None:
    """The reminder due now: the shortest lead whose time has come (a worker that was
    stopped through both times sends the later one only); None before the first."""
    if event.start <= now:
        return None
    due = [
        lead for lead in reminder_leads(event) if event.start - dt.timedelta(minutes=lead) <= now
    ]
    return min(due) if due else None


def reminder_version(event: Event, lead: int) -> str:
    """Names one reminder: the lead and the start it was for (a moved event is reminded again)."""
    return f"{lead}@{event.start:%Y%m%dT%H%M%SZ}"


def recipients(event: Event, lead: int, now):
    """Confirmed registrations made before the reminder time, with the user and whether
    their address is verified loaded in the same query; not yet reminded."""
    at = event.start - dt.timedelta(minutes=lead)
    verified = EmailAddress.objects.filter(
        user=OuterRef("user"), email__iexact=OuterRef("user__email"), verified=True
    )
    reminded = Message.objects.filter(
        kind=Message.Kind.REMINDER,
        event=event,
        user=OuterRef("user"),
        version=reminder_version(event, lead),
    )
    return (
        event.registrations.confirmed()
        .filter(created_at__lte=at)
        .exclude(Exists(reminded))
        .annotate(user_verified=Exists(verified))
        .select_related("user")
        .order_by("pk")
    )


def queue_due(now=None) -> int:
    """Write the reminders due at ``now``; returns how many rows were written."""
    now = now or timezone.now()
    events = Event.objects.published().filter(start__gt=now, start__lte=now + LOOKAHEAD)
    written = 0
    for event in events:
        lead = due_lead(event, now)
        if lead is None:
            continue
        version = reminder_version(event, lead)
        rows = []
        for registration in recipients(event, lead, now):
            user = registration.user
            user.__dict__["email_verified"] = registration.user_verified
            if not unsubscribe.wants(user, "reminders"):
                continue
            access = room_access(user, event, registration=registration, now=now)
            if access.reason not in (ALLOWED, NOT_YET):
                continue
            rows.append(
                Message(
                    key=Message.make_key(
                        Message.Kind.REMINDER,
                        person=outbox.person_of(user),
                        event=event,
                        version=version,
                    ),
                    kind=Message.Kind.REMINDER,
                    user=user,
                    to=user.email,
                    event=event,
                    version=version,
                    payload={"lead": lead},
                    send_after=now,
                )
            )
        written += outbox.queue_many(rows)
    return written
