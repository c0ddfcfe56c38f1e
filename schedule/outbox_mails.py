"""What each kind of outbox row becomes when the worker sends it.

Each builder reads the database as it is at sending time and returns the mail,
or raises ``NotApplicable`` when the mail no longer applies (the registration was
cancelled, the person opted out, the event has started). Builders run in the
recipient's language (``outbox.build``).

The reminder is the one mail that may carry a join link: ``access.room_access``
decides, at sending time, exactly as for the event page.
"""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _

from . import formats, unsubscribe
from .access import ALLOWED, NOT_YET, private_room_details, room_access
from .emails import _talk_rows, registration_confirmation
from .feeds import cached_feed, event_calendar, talk_calendar
from .models import Message, Registration
from .seo import absolute_url
from .timezones import get_zone

Kind = Message.Kind
Status = Registration.Status


class NotApplicable(Exception):
    """The mail is no longer wanted; ``str()`` says why (kept in ``last_error``)."""


def stored_mail(message: Message) -> EmailMultiAlternatives:
    """A mail rendered when it was written (allauth's), from the row's payload."""
    data = message.payload
    email = EmailMultiAlternatives(
        subject=data.get("subject", ""),
        body=data.get("body", ""),
        from_email=data.get("from_email") or None,
        to=[message.to],
        headers=dict(data.get("headers") or {}),
    )
    if data.get("html"):
        email.attach_alternative(data["html"], "text/html")
    return email


_UNSET = object()


def prefetch(messages) -> None:
    """Load, in one query, the registration of each row's person for its event, with
    whether their address is verified (what the access rule asks), for a batch."""
    pairs = {(m.user_id, m.event_id) for m in messages if m.user_id and m.event_id}
    if not pairs:
        return
    verified = EmailAddress.objects.filter(
        user=OuterRef("user"), email__iexact=OuterRef("user__email"), verified=True
    )
    found = {
        (r.user_id, r.event_id): r
        for r in Registration.objects.filter(
            user__in={user for user, _ in pairs}, event__in={event for _, event in pairs}
        ).annotate(user_verified=Exists(verified))
    }
    for message in messages:
        if message.user_id and message.event_id:
            registration = found.get((message.user_id, message.event_id))
            message._registration = registration
            if registration is not None:
                message.user.__dict__["email_verified"] = registration.user_verified


def registration_of(message: Message) -> Registration | None:
    registration = getattr(message, "_registration", _UNSET)
    if registration is _UNSET:
        registration = Registration.objects.filter(user=message.user, event=message.event).first()
    return registration


def _registration(message: Message, statuses) -> Registration:
    registration = registration_of(message)
    if registration is None or registration.status not in statuses:
        raise NotApplicable(_("The registration has changed since the mail was written."))
    # The mail shows the row's user and event (already loaded with it).
    registration.user, registration.event = message.user, message.event
    return registration


def _mail(message: Message, subject: str, template: str, context: dict, headers=None):
    body = render_to_string(template, context)
    return EmailMultiAlternatives(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
        body=body,
        to=[message.user.email if message.user else message.to],
        headers=headers or {},
    )


# The worker sends many mails about one event in a row: its talks are read once per
# version of the event (any change of the event or its talks makes a new version).
_by_version: dict = {}


def _per_version(event, name, load):
    key = (name, event.pk, event.version, event.created_at)
    value = _by_version.get(key)
    if value is None:
        if len(_by_version) > 128:
            _by_version.clear()
        value = _by_version[key] = load()
    return value


def published_talks(event) -> list:
    return _per_version(
        event, "talks", lambda: list(event.talks.published().for_schedule().order_by("start", "pk"))
    )


def rooms(event) -> list:
    return _per_version(event, "rooms", lambda: list(event.rooms.all()))


def event_ics(event) -> bytes:
    """The event's public calendar file, as downloaded from its page (and cached with it)."""
    return cached_feed(
        event, "ics", lambda: event_calendar(event, event.talks.public().for_schedule())
    )


def _schedule_context(message: Message, now) -> dict:
    event, user = message.event, message.user
    talks = published_talks(event)
    zone = get_zone(user.timezone)
    if zone is not None and zone.key == event.timezone:
        zone = None
    return {
        "user": user,
        "event": event,
        "talks": talks,
        "talk_rows": _talk_rows(event, talks, zone),
        "zone_name": zone.key if zone else "",
        "event_when": formats.moment(event.start, event.tzinfo),
        "event_url": absolute_url(event.get_absolute_url()),
        "my_events_url": absolute_url(reverse("accounts:my-events")),
    }


def confirmed(message: Message, now, *, promoted=False) -> EmailMultiAlternatives:
    registration = _registration(message, [Status.CONFIRMED])
    return registration_confirmation(registration, promoted=promoted)


def promoted(message: Message, now) -> EmailMultiAlternatives:
    return confirmed(message, now, promoted=True)


def waitlisted(message: Message, now) -> EmailMultiAlternatives:
    _registration(message, [Status.WAITLISTED])
    context = _schedule_context(message, now)
    subject = _("You are on the waitlist for %(event)s") % {"event": message.event.name}
    return _mail(message, subject, "schedule/email/waitlisted.txt", context)


def reminder(message: Message, now) -> EmailMultiAlternatives:
    event, user = message.event, message.user
    if not event.start > now:
        raise NotApplicable(_("The event has started."))
    if not unsubscribe.wants(user, "reminders"):
        raise NotApplicable(_("The person turned reminders off."))
    access = room_access(user, event, registration=registration_of(message), now=now)
    if access.reason not in (ALLOWED, NOT_YET):
        raise NotApplicable(access.message)
    context = _schedule_context(message, now)
    context.update(
        {
            "rooms": private_room_details(access, rooms(event)),
            "reveal_label": formats.moment(access.reveal_at, event.tzinfo)
            if access.reason == NOT_YET
            else "",
            "starts_in": formats.duration(max(round((event.start - now).total_seconds() / 60), 1)),
            "unsubscribe_url": unsubscribe.unsubscribe_url(user, "reminders"),
        }
    )
    subject = _("%(event)s starts in %(duration)s") % {
        "event": event.name,
        "duration": context["starts_in"],
    }
    email = _mail(
        message,
        subject,
        "schedule/email/reminder.txt",
        context,
        headers=unsubscribe.headers(user, "reminders"),
    )
    email.attach(f"{event.slug}.ics", event_ics(event), "text/calendar")
    return email


def time_changed(message: Message, now) -> EmailMultiAlternatives:
    _registration(message, [Status.CONFIRMED, Status.WAITLISTED])
    event = message.event
    if event.is_past(now):
        raise NotApplicable(_("The event has ended."))
    context = _schedule_context(message, now)
    subject = _("New times: %(event)s") % {"event": event.name}
    email = _mail(message, subject, "schedule/email/time_changed.txt", context)
    email.attach(f"{event.slug}.ics", event_ics(event), "text/calendar")
    return email


def talk_cancelled(message: Message, now) -> EmailMultiAlternatives:
    _registration(message, [Status.CONFIRMED, Status.WAITLISTED])
    talk = message.talk
    if not talk.is_cancelled:
        raise NotApplicable(_("The talk is no longer cancelled."))
    context = _schedule_context(message, now)
    context["cancelled"] = talk
    context["cancelled_when"] = formats.moment(talk.start, message.event.tzinfo)
    subject = _("Cancelled: %(talk)s") % {"talk": talk.title}
    email = _mail(message, subject, "schedule/email/talk_cancelled.txt", context)
    email.attach(f"{talk.slug}.ics", talk_calendar(talk), "text/calendar")
    return email


def announcement(message: Message, now) -> EmailMultiAlternatives:
    _registration(message, [Status.CONFIRMED, Status.WAITLISTED])
    if not unsubscribe.wants(message.user, "announcements"):
        raise NotApplicable(_("The person turned announcements off."))
    return announcement_mail(message, now)


def announcement_mail(message: Message, now) -> EmailMultiAlternatives:
    """The announcement as written by the organiser (also the admin's preview)."""
    user = message.user
    context = _schedule_context(message, now)
    context["text"] = message.payload.get("body", "")
    context["unsubscribe_url"] = unsubscribe.unsubscribe_url(user, "announcements")
    return _mail(
        message,
        message.payload.get("subject", message.event.name),
        "schedule/email/announcement.txt",
        context,
        headers=unsubscribe.headers(user, "announcements"),
    )


def follow_up(message: Message, now) -> EmailMultiAlternatives:
    _registration(message, [Status.CONFIRMED])
    if not unsubscribe.wants(message.user, "announcements"):
        raise NotApplicable(_("The person turned announcements off."))
    return follow_up_mail(message, now)


def recorded_talks(event) -> list:
    """The event's published talks that have a recording, in the order of the schedule."""
    return [talk for talk in published_talks(event) if talk.recording_url]


def follow_up_mail(message: Message, now) -> EmailMultiAlternatives:
    """The recordings of the event, after it (also the admin's preview)."""
    user = message.user
    context = _schedule_context(message, now)
    context["recorded"] = [row for row in context["talk_rows"] if row["talk"].recording_url]
    context["unsubscribe_url"] = unsubscribe.unsubscribe_url(user, "announcements")
    return _mail(
        message,
        _("Recordings of %(event)s") % {"event": message.event.name},
        "schedule/email/follow_up.txt",
        context,
        headers=unsubscribe.headers(user, "announcements"),
    )


BUILDERS = {
    Kind.CONFIRMED: confirmed,
    Kind.PROMOTED: promoted,
    Kind.WAITLISTED: waitlisted,
    Kind.REMINDER: reminder,
    Kind.TIME_CHANGED: time_changed,
    Kind.TALK_CANCELLED: talk_cancelled,
    Kind.ANNOUNCEMENT: announcement,
    Kind.FOLLOW_UP: follow_up,
}
