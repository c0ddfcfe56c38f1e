"""E-mails about registrations: the confirmation (also sent on promotion from the
waitlist), with the event's times in the recipient's zone and language and an .ics
attachment.

No join URL or join instructions go into these mails or their attachment: the
link appears on the event page, behind the access rules (the reminder that
carries it is built in ``outbox_mails.py``, after asking ``access.py``). The attachment is the
event's public calendar, with the same UIDs as the feeds, so calendar apps
update the entries instead of duplicating them.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from . import formats
from .feeds import event_calendar
from .models import Event, Registration
from .seo import absolute_url
from .timezones import get_zone


def _talk_rows(event: Event, talks, zone):
    rows = []
    for talk in talks:
        row = {
            "talk": talk,
            "speakers": ", ".join(speaker.name for speaker in talk.speaker_list),
            "event_time": formats.clock(talk.start, event.tzinfo),
            "local_time": "",
            "url": absolute_url(talk.get_absolute_url()),
        }
        if zone is not None:
            other_day = event.local(talk.start).date() != formats.local(talk.start, zone).date()
            day = f"{formats.short_day(talk.start, zone)} " if other_day else ""
            row["local_time"] = f"{day}{formats.clock(talk.start, zone)}"
        rows.append(row)
    return rows


def mail_language(user=None, fallback: str | None = None) -> str:
    """The language to write to someone in: their profile's, else ``fallback`` (the
    language of their talks, say), else the language of the page being served, else
    the site's default."""
    languages = dict(settings.LANGUAGES)
    for code in (getattr(user, "language", ""), fallback, translation.get_language()):
        code = (code or "").split("-")[0]
        if code in languages:
            return code
    return settings.LANGUAGE_CODE


def registration_confirmation(
    registration: Registration, *, promoted=False
) -> EmailMultiAlternatives:
    """The mail to a confirmed person: the event, its talks and a calendar file, in
    their language. Written to the outbox by ``registration.py`` and built by the
    worker (``outbox_mails.py``)."""
    with translation.override(mail_language(registration.user)):
        return _registration_confirmation(registration, promoted=promoted)


def _registration_confirmation(
    registration: Registration, *, promoted: bool
) -> EmailMultiAlternatives:
    event = registration.event
    user = registration.user
    talks = list(event.talks.published().for_schedule().order_by("start", "pk"))
    zone = get_zone(user.timezone)
    if zone is not None and zone.key == event.timezone:
        zone = None  # the event's zone is shown anyway
    context = {
        "user": user,
        "event": event,
        "promoted": promoted,
        "talks": _talk_rows(event, talks, zone),
        "zone_name": zone.key if zone else "",
        "event_url": absolute_url(event.get_absolute_url()),
        "my_events_url": absolute_url(reverse("accounts:my-events")),
        "profile_url": absolute_url(reverse("accounts:profile")),
        "event_when": formats.moment(event.start, event.tzinfo),
        "reveal_before": formats.duration(event.access_reveal_minutes)
        if event.access_reveal_minutes
        else "",
    }
    subject = (
        gettext("A place freed up: you are registered for %(event)s")
        if promoted
        else gettext("You are registered for %(event)s")
    ) % {"event": event.name}
    text = render_to_string("schedule/email/registration_confirmed.txt", context)
    html = render_to_string("schedule/email/registration_confirmed.html", context)
    message = EmailMultiAlternatives(
        subject=f"{settings.ACCOUNT_EMAIL_SUBJECT_PREFIX}{subject}",
        body=text,
        to=[user.email],
    )
    message.attach_alternative(html, "text/html")
    message.attach(f"{event.slug}.ics", event_calendar(event, talks), "text/calendar")
    return message
