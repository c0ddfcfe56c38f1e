"""Small presentation helpers for the public pages: dates, avatars."""

from django import template
from django.utils import dateformat

register = template.Library()

AVATAR_TONES = 6


@register.filter
def event_dates(event):
    """ "Saturday 19 September 2020", "1–3 July 2030", "30 June – 2 July 2030"."""
    start, end = event.local_start, event.local_end
    if start.date() == end.date():
        return dateformat.format(start, "l j F Y")
    if (start.year, start.month) == (end.year, end.month):
        return f"{start.day}–{dateformat.format(end, 'j F Y')}"
    if start.year == end.year:
        return f"{dateformat.format(start, 'j F')} – {dateformat.format(end, 'j F Y')}"
    return f"{dateformat.format(start, 'j F Y')} – {dateformat.format(end, 'j F Y')}"


@register.filter
def event_hours(event):
    """ "16:00–19:00 MSK" for a one-day event, "from 10:00 MSK" otherwise."""
    start, end = event.local_start, event.local_end
    if start.date() == end.date():
        return f"{start:%H:%M}–{end:%H:%M} {start:%Z}"
    return f"from {start:%H:%M} {start:%Z}"


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
    from schedule.access import duration_label

    return duration_label(int(minutes))
