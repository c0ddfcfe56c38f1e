"""Links that put talks into people's calendars.

For templates: ``{% load calendar_links %}`` then ``{{ talk|google_calendar_url }}``,
``{% url 'schedule:talk-ics' talk.event.slug talk.slug %}`` for the ``.ics``
download, and ``{% personal_calendar_url user as feed_url %}`` for the secret
personal feed (``{{ feed_url|webcal }}`` to subscribe in one click).
"""

import datetime as dt
from urllib.parse import urlencode, urlsplit, urlunsplit

from django.urls import reverse

from .feeds import talk_description
from .seo import absolute_url

GOOGLE_CALENDAR = "https://calendar.google.com/calendar/render"
# Google Calendar links carry the text in the URL: keep the abstract short.
GOOGLE_ABSTRACT_WORDS = 60


def _utc_stamp(value) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def google_calendar_url(talk) -> str:
    """ "Add to Google Calendar" for a talk (from ``for_schedule()``: speakers prefetched)."""
    params = {
        "action": "TEMPLATE",
        "text": talk.title,
        "dates": f"{_utc_stamp(talk.start)}/{_utc_stamp(talk.end)}",
        "details": talk_description(talk, words=GOOGLE_ABSTRACT_WORDS),
        "location": talk.room.name,
        "ctz": talk.event.timezone,
    }
    return f"{GOOGLE_CALENDAR}?{urlencode(params)}"


def talk_ics_path(talk) -> str:
    return reverse("schedule:talk-ics", kwargs={"slug": talk.event.slug, "talk": talk.slug})


def personal_calendar_url(user, request=None) -> str:
    """The absolute URL of ``user``'s personal feed. Secret: show it to its owner only."""
    path = reverse("schedule:personal-ics", kwargs={"token": user.calendar_token})
    return absolute_url(path, request)


def webcal_url(url: str) -> str:
    """The same feed with the webcal:// scheme, which opens the calendar app to subscribe."""
    parts = urlsplit(url)
    return urlunsplit(("webcal", *parts[1:]))
