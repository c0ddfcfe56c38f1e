"""How times, dates and durations read: one module for pages, mails, the admin and messages.

Every function takes aware datetimes and the zone to show them in; nothing here
queries the database.
"""

from __future__ import annotations

import datetime as dt

from django.utils import dateformat
from django.utils.translation import ngettext


def local(value: dt.datetime, zone) -> dt.datetime:
    return value.astimezone(zone)


def zone_abbreviation(value: dt.datetime, zone) -> str:
    """The zone's short name at that moment: "MSK", "EDT", or "+05" where it has none."""
    return local(value, zone).strftime("%Z")


def clock(value: dt.datetime, zone) -> str:
    """ "16:00 MSK"."""
    return f"{local(value, zone):%H:%M} {zone_abbreviation(value, zone)}"


def clock_range(start: dt.datetime, end: dt.datetime, zone) -> str:
    """ "16:00–16:40 MSK"."""
    return f"{local(start, zone):%H:%M}–{local(end, zone):%H:%M} {zone_abbreviation(start, zone)}"


def day(value: dt.datetime | dt.date, zone=None) -> str:
    """ "Saturday 19 September 2020" (in ``zone`` when ``value`` is a datetime)."""
    if zone is not None and isinstance(value, dt.datetime):
        value = local(value, zone)
    return dateformat.format(value, "l j E Y")


def weekday(value: dt.datetime) -> str:
    """ "Sun": the short weekday of an already local datetime."""
    return dateformat.format(value, "D")


def short_day(value: dt.datetime, zone) -> str:
    """ "Sat 19 Sep"."""
    return dateformat.format(local(value, zone), "D j M")


def day_span(start: dt.datetime, end: dt.datetime, zone) -> str:
    """The days from ``start`` to ``end`` in ``zone``: "Saturday 19 September 2020",
    "1–3 July 2030", "30 June – 2 July 2030", "30 December 2030 – 1 January 2031"."""
    first, last = local(start, zone).date(), local(end, zone).date()
    if first == last:
        return day(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{dateformat.format(last, 'j E Y')}"
    if first.year == last.year:
        return f"{dateformat.format(first, 'j E')} – {dateformat.format(last, 'j E Y')}"
    return f"{dateformat.format(first, 'j E Y')} – {dateformat.format(last, 'j E Y')}"


def moment(value: dt.datetime, zone) -> str:
    """ "Saturday 19 September 2020, 16:00 MSK": a date and time for messages and the admin."""
    return f"{day(value, zone)}, {clock(value, zone)}"


def short_moment(value: dt.datetime, zone) -> str:
    """ "Sat 19 Sep 2020, 16:00 MSK": a date and time in a list or a table."""
    return f"{dateformat.format(local(value, zone), 'D j M Y')}, {clock(value, zone)}"


def short_date(value: dt.date) -> str:
    """ "19 Sep 2020"."""
    return dateformat.format(value, "d M Y")


def duration(minutes: int) -> str:
    """ "30 minutes", "1 hour", "2 hours", "1 day", "8 days": whole units only
    ("21 минута", "2 часа", "5 дней" in Russian)."""
    if minutes >= 24 * 60 and minutes % (24 * 60) == 0:
        days = minutes // (24 * 60)
        return ngettext("%(count)d day", "%(count)d days", days) % {"count": days}
    if minutes >= 60 and minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(count)d hour", "%(count)d hours", hours) % {"count": hours}
    return ngettext("%(count)d minute", "%(count)d minutes", minutes) % {"count": minutes}
