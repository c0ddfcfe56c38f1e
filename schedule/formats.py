"""How times, dates and durations read: one module for pages, mails, the admin and messages.

Every function takes aware datetimes and the zone to show them in; nothing here
queries the database. The words follow the active language: "Saturday 5 December
2026, 16:00 MSK" in English, "суббота, 5 декабря 2026, 16:00 МСК" in Russian.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytz
from django.utils import dateformat, translation
from django.utils.translation import ngettext

# Django date format strings per language. Russian names the month in the genitive
# ("5 декабря", format "E") and puts a comma after the weekday.
DATE_FORMATS = {
    "en": {
        "day": "l j F Y",
        "day_month": "j F",
        "day_month_year": "j F Y",
        "short_day": "D j M",
        "short_day_year": "D j M Y",
        "date": "d M Y",
        "weekday": "D",
    },
    "ru": {
        "day": "l, j E Y",
        "day_month": "j E",
        "day_month_year": "j E Y",
        "short_day": "D, j b",
        "short_day_year": "D, j b Y",
        "date": "j b Y",
        "weekday": "D",
    },
}

MOSCOW = ZoneInfo("Europe/Moscow")
# Russia counts its zones from Moscow time: "МСК", "МСК+2" (Yekaterinburg), "МСК−1".
RUSSIAN_ZONES = frozenset(pytz.country_timezones["ru"])
MINUS = "\u2212"


def _language() -> str:
    code = (translation.get_language() or "en").split("-")[0]
    return code if code in DATE_FORMATS else "en"


def _format(value: dt.date | dt.datetime, name: str) -> str:
    language = _language()
    text = dateformat.format(value, DATE_FORMATS[language][name])
    if language == "ru":
        # Weekdays are not capitalised in Russian: "суббота, 5 декабря 2026".
        text = text[:1].lower() + text[1:]
    return text


def local(value: dt.datetime, zone) -> dt.datetime:
    return value.astimezone(zone)


def utc_offset(offset: dt.timedelta, base: str = "UTC") -> str:
    """ "UTC+3", "UTC−4", "UTC+5:30", "UTC" (or from another base: "МСК+2")."""
    minutes = int(offset.total_seconds() // 60)
    if minutes == 0:
        return base
    sign = "+" if minutes > 0 else MINUS
    hours, rest = divmod(abs(minutes), 60)
    return f"{base}{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_abbreviation(value: dt.datetime, zone) -> str:
    """The zone's short name at that moment in the active language.

    English: the zone database's abbreviation, "MSK", "EDT", or "+05" where it has
    none. Russian: "МСК" for Moscow and "МСК+N" for the other zones of Russia, else
    the offset from UTC: "UTC+1", "UTC−4".
    """
    here = local(value, zone)
    if _language() != "ru":
        return here.strftime("%Z")
    if getattr(zone, "key", None) in RUSSIAN_ZONES:
        return utc_offset(here.utcoffset() - value.astimezone(MOSCOW).utcoffset(), "МСК")
    return utc_offset(here.utcoffset())


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
    return _format(value, "day")


def weekday(value: dt.datetime) -> str:
    """ "Sun": the short weekday of an already local datetime."""
    return _format(value, "weekday")


def short_day(value: dt.datetime, zone) -> str:
    """ "Sat 19 Sep"."""
    return _format(local(value, zone), "short_day")


def day_span(start: dt.datetime, end: dt.datetime, zone) -> str:
    """The days from ``start`` to ``end`` in ``zone``: "Saturday 19 September 2020",
    "1–3 July 2030", "30 June – 2 July 2030", "30 December 2030 – 1 January 2031"."""
    first, last = local(start, zone).date(), local(end, zone).date()
    if first == last:
        return day(first)
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{_format(last, 'day_month_year')}"
    if first.year == last.year:
        return f"{_format(first, 'day_month')} – {_format(last, 'day_month_year')}"
    return f"{_format(first, 'day_month_year')} – {_format(last, 'day_month_year')}"


def moment(value: dt.datetime, zone) -> str:
    """ "Saturday 19 September 2020, 16:00 MSK": a date and time for messages and the admin."""
    return f"{day(value, zone)}, {clock(value, zone)}"


def short_moment(value: dt.datetime, zone) -> str:
    """ "Sat 19 Sep 2020, 16:00 MSK": a date and time in a list or a table."""
    return f"{_format(local(value, zone), 'short_day_year')}, {clock(value, zone)}"


def short_date(value: dt.date) -> str:
    """ "19 Sep 2020"."""
    return _format(value, "date")


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
