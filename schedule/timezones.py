"""Time zones: the catalogue of valid names, conversions and the viewer's zone.

pytz only supplies the list of names (``pytz.common_timezones``); conversions use
``zoneinfo``. Never pass a pytz zone to ``datetime(..., tzinfo=...)``: that gives
local mean time offsets such as +02:30 for Moscow.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from urllib.parse import unquote
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytz
from django.core.exceptions import ValidationError

from . import formats

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


def city_name(zone_name: str) -> str:
    """ "America/New_York" -> "New York"; "UTC" -> "UTC"."""
    return zone_name.rsplit("/", 1)[-1].replace("_", " ")


def viewer_timezone_name(request) -> str | None:
    """The viewer's zone: the signed-in user's profile, else the ``tz`` cookie.

    Unknown or malformed names are ignored.
    """
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and is_valid_timezone(user.timezone):
        return user.timezone
    # site.js stores encodeURIComponent(zone): "America%2FNew_York".
    cookie = unquote(request.COOKIES.get(TZ_COOKIE, "")[:100])
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


# ---------------------------------------------------------------------------
# Showing times: the event's zone first, the viewer's too when it differs

EVENT_MODE = "event"
VIEWER_MODE = "viewer"


@dataclass(frozen=True)
class TimeLabel:
    """One moment (or range) ready for a template: ``<time datetime="{{ iso }}">{{ text }}``."""

    iso: str
    text: str
    other: str = ""
    local: dt.datetime | None = None


def _zone_suffix(zone_name: str) -> str:
    """ "in New York" for an area/city zone, "UTC" for a bare one."""
    return f"in {city_name(zone_name)}" if "/" in zone_name else zone_name


@dataclass(frozen=True)
class ZoneView:
    """How one viewer sees the times of one event.

    ``mode`` says which zone comes first: the event's (default) or the viewer's.
    The other zone is added in brackets only when its clock reads differently.
    """

    event_zone_name: str
    viewer_zone_name: str | None = None
    mode: str = EVENT_MODE

    @property
    def primary_name(self) -> str:
        if self.mode == VIEWER_MODE and self.viewer_zone_name:
            return self.viewer_zone_name
        return self.event_zone_name

    @property
    def secondary_name(self) -> str | None:
        if not self.viewer_zone_name:
            return None
        if self.mode == VIEWER_MODE:
            return self.event_zone_name
        return self.viewer_zone_name

    @property
    def primary_zone(self):
        return get_zone(self.primary_name) or dt.UTC

    @property
    def cache_key(self) -> str:
        """Part of a fragment cache key: everything that changes the rendered times."""
        return f"{self.mode}:{self.viewer_zone_name or ''}"

    def localtime(self, value: dt.datetime) -> dt.datetime:
        return value.astimezone(self.primary_zone)

    def _other(self, start: dt.datetime, end: dt.datetime | None) -> str:
        name = self.secondary_name
        zone = get_zone(name)
        if zone is None:
            return ""
        here, there = start.astimezone(self.primary_zone), start.astimezone(zone)
        if here.utcoffset() == there.utcoffset():
            return ""
        # A weekday where the other zone's date differs: "16:00–02:00 Sun in Tokyo".
        text = f"{there:%H:%M}"
        if there.date() != here.date():
            text += f" {formats.weekday(there)}"
        if end is not None:
            end_there = end.astimezone(zone)
            text += f"–{end_there:%H:%M}"
            if end_there.date() != there.date():
                text += f" {formats.weekday(end_there)}"
        return f"{text} {_zone_suffix(name)}"

    def label(self, value: dt.datetime) -> TimeLabel:
        """ "16:00 MSK", other "09:00 in New York"."""
        local = self.localtime(value)
        return TimeLabel(
            iso=local.isoformat(),
            text=formats.clock(value, self.primary_zone),
            other=self._other(value, None),
            local=local,
        )

    def range_label(self, start: dt.datetime, end: dt.datetime) -> TimeLabel:
        """ "16:00–16:40 MSK", other "09:00–09:40 in New York"."""
        local = self.localtime(start)
        return TimeLabel(
            iso=local.isoformat(),
            text=formats.clock_range(start, end, self.primary_zone),
            other=self._other(start, end),
            local=local,
        )

    def day_span(self, start: dt.datetime, end: dt.datetime) -> str:
        """The days of ``start``–``end`` on the first zone's calendar: "Sunday 6 December 2026"
        in Auckland for an evening in Moscow."""
        return formats.day_span(start, end, self.primary_zone)

    @property
    def viewer_label(self) -> str:
        """ "America/New York": the viewer's zone as people read it."""
        return (self.viewer_zone_name or "").replace("_", " ")


def zone_view_for(request, event_zone_name: str) -> ZoneView:
    """The viewer's ZoneView: profile or cookie zone, switched by ``?tz=event|viewer``.

    ``?tz=<Area/City>`` shows that zone as the viewer's. Unknown values are ignored.
    """
    viewer = viewer_timezone_name(request)
    choice = request.GET.get("tz", "")
    mode = EVENT_MODE
    if choice == VIEWER_MODE:
        mode = VIEWER_MODE
    elif choice != EVENT_MODE and is_valid_timezone(choice):
        viewer, mode = choice, VIEWER_MODE
    if viewer == event_zone_name or viewer is None:
        return ZoneView(event_zone_name)
    return ZoneView(event_zone_name, viewer, mode)
