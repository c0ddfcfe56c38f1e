"""Small presentation helpers for the public pages: dates, avatars (text from ``formats``)."""

import datetime as dt

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext

from schedule import formats, talk_languages
from schedule.timezones import get_zone

register = template.Library()

AVATAR_TONES = 6


@register.filter
def event_dates(event):
    """ "Saturday 19 September 2020", "1–3 July 2030", "30 June – 2 July 2030"."""
    return formats.day_span(event.start, event.end, event.tzinfo)


@register.filter
def event_hours(event):
    """ "16:00–19:00 MSK" for a one-day event, "from 10:00 MSK" otherwise."""
    if event.local_start.date() == event.local_end.date():
        return formats.clock_range(event.start, event.end, event.tzinfo)
    return gettext("from %(time)s") % {"time": formats.clock(event.start, event.tzinfo)}


@register.filter
def moment(value, zone_name):
    """{{ when|moment:"Europe/Moscow" }}: "Saturday 19 September 2020, 16:00 MSK"."""
    return formats.moment(value, get_zone(zone_name) or dt.UTC) if value else ""


@register.filter
def short_moment(value, zone_name):
    """{{ when|short_moment:user.timezone }}: "Sat 19 Sep, 16:00 MSK"."""
    return formats.short_moment(value, get_zone(zone_name) or dt.UTC) if value else ""


@register.filter
def initials(name):
    """ "Alexander Mordvintsev" -> "AM" (for avatars without a photo)."""
    words = [w for w in str(name).split() if w[:1].isalnum()]
    if not words:
        return "?"
    letters = words[0][0] + (words[-1][0] if len(words) > 1 else "")
    return letters.upper()


@register.filter
def avatar_tone(speaker):
    """A stable colour class per speaker, so initials avatars are told apart."""
    return f"avatar--tone{(speaker.pk or 0) % AVATAR_TONES}"


@register.filter
def duration(minutes):
    """A number of minutes in words: '30 minutes', '2 hours', '8 days'."""
    return formats.duration(int(minutes))


@register.filter
def spoken_in(code):
    """{{ talk.language|spoken_in }}: "in Russian" ("на русском")."""
    return talk_languages.spoken_in(code)


@register.filter
def lang_attribute(code):
    """{{ talk.language|lang_attribute }}: ' lang="ru"' for a language pages know, else ""."""
    return format_html(' lang="{}"', code) if talk_languages.known(code) else ""
