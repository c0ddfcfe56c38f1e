"""Time zones: the catalogue of valid names, conversions and the viewer's zone.

pytz only supplies the list of names (``pytz.common_timezones``); conversions use
``zoneinfo``. Never pass a pytz zone to ``datetime(..., tzinfo=...)``: that gives
local mean time offsets such as +02:30 for Moscow.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytz
from django.core.exceptions import ValidationError

TZ_COOKIE = "tz"
COMMON_TIMEZONES = frozenset(pytz.common_timezones)


def is_valid_timezone(name) -> bool:
    return isinstance(name, str) and name in COMMON_TIMEZONES


def validate_timezone(name):
    if not is_valid_timezone(name):
        raise ValidationError(
            "“%(name)s” is not a known time zone. Use a name such as Europe/Moscow.",
            code="invalid_timezone",
            params={"name": name},
        )


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def get_zone(name) -> ZoneInfo | None:
    """The ZoneInfo for a valid catalogue name, else None (never raises)."""
    if not is_valid_timezone(name):
        return None
    try:
        return _zone(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None


def timezone_choices():
    return [(name, name.replace("_", " ")) for name in pytz.common_timezones]


def abbreviation(value: dt.datetime, zone: ZoneInfo) -> str:
    """Short name of the zone at that moment: "MSK", "EDT", or "+05" style offsets."""
    return value.astimezone(zone).strftime("%Z")


def city_name(zone_name: str) -> str:
    """ "America/New_York" -> "New York"; "UTC" -> "UTC"."""
    return zone_name.rsplit("/", 1)[-1].replace("_", " ")


def localize(naive: dt.datetime, zone: ZoneInfo) -> dt.datetime:
    """Attach a zone to a naive wall-clock time (the zoneinfo way, no LMT trap)."""
    return naive.replace(tzinfo=zone)


def viewer_timezone_name(request) -> str | None:
    """The viewer's zone: the signed-in user's profile, else the ``tz`` cookie.

    Unknown or malformed names are ignored.
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and is_valid_timezone(user.timezone):
        return user.timezone
    cookie = request.COOKIES.get(TZ_COOKIE, "")
    if is_valid_timezone(cookie):
        return cookie
    return None


def timezone_form_field(*, required=True, **kwargs):
    """A select of ``pytz.common_timezones`` (kept out of model choices so that a
    pytz update never needs a migration)."""
    from django import forms

    choices = timezone_choices()
    if not required:
        choices = [("", "— not set —"), *choices]
    return forms.ChoiceField(choices=choices, required=required, **kwargs)
