"""E-mails about registrations: the confirmation (also sent on promotion from the
waitlist), with the event's times in the recipient's zone and an .ics attachment.

No join URL or join instructions ever go into a mail or its attachment: the
link appears on the event page, behind the access rules. The attachment is the
event's public calendar, with the same UIDs as the feeds, so calendar apps
update the entries instead of duplicating them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .access import reveal_time
from .feeds import event_calendar
from .models import Event, Registration
from .seo import absolute_url
from .timezones import abbreviation, get_zone


def _talk_rows(event: Event, talks, zone):
    rows = []
    for talk in talks:
        event_start = event.local(talk.start)
        row = {
            "talk": talk,
            "speakers": ", ".join(speaker.name for speaker in talk.speaker_list),
            "event_time": f"{event_start:%H:%M} {abbreviation(talk.start, event.tzinfo)}",
            "local_time": "",
            "url": absolute_url(talk.get_absolute_url()),
        }
        if zone is not None:
            mine = timezone.localtime(talk.start, zone)
            day = f"{mine:%a %d %b} " if mine.date() != event_start.date() else ""
            row["local_time"] = f"{day}{mine:%H:%M} {abbreviation(talk.start, zone)}"
        rows.append(row)
    return rows


def send_registration_confirmation(registration: Registration, *, promoted=False) -> None:
    """Mail the confirmed person the event, its talks and a calendar file."""
    event = registration.event
    user = registration.user
    talks = list(event.talks.published().for_schedule().order_by("start", "pk"))
    zone = get_zone(user.timezone)
    if zone is not None and zone.key == event.timezone:
        zone = None  # the event's zone is shown anyway
    reveal = reveal_time(event)
    context = {
        "user": user,
        "event": event,
        "promoted": promoted,
        "talks": _talk_rows(event, talks, zone),
        "zone_name": zone.key if zone else "",
        "event_url": absolute_url(event.get_absolute_url()),
        "my_events_url": absolute_url(reverse("accounts:my-events")),
        "profile_url": absolute_url(reverse("accounts:profile")),
        "reveal_minutes": event.access_reveal_minutes if reveal else 0,
    }
    subject = (
        f"A place freed up: you are registered for {event.name}"
        if promoted
        else f"You are registered for {event.name}"
    )
    text = render_to_string("schedule/email/registration_confirmed.txt", context)
    html = render_to_string("schedule/email/registration_confirmed.html", context)
    message = EmailMultiAlternatives(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
        body=text,
        to=[user.email],
    )
    message.attach_alternative(html, "text/html")
    message.attach(f"{event.slug}.ics", event_calendar(event, talks), "text/calendar")
    message.send()
