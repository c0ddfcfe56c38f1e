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
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import formats

TZ_COOKIE = "tz"
COMMON_TIMEZONES = frozenset(pytz.common_timezones)


def is_valid_timezone(name) -> bool:
    return isinstance(name, str) and name in COMMON_TIMEZONES


def validate_timezone(name):
    if not is_valid_timezone(name):
        raise ValidationError(
            _("“%(name)s” is not a known time zone. Use a name such as Europe/Moscow."),
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


# The cities of common zones in the active language ("Нью-Йорк"); others keep the
# catalogue's English name.
CITY_NAMES = {
    "Europe/Moscow": _("Moscow"),
    "Europe/Kaliningrad": _("Kaliningrad"),
    "Europe/Samara": _("Samara"),
    "Asia/Yekaterinburg": _("Yekaterinburg"),
    "Asia/Novosibirsk": _("Novosibirsk"),
    "Asia/Vladivostok": _("Vladivostok"),
    "Europe/Minsk": _("Minsk"),
    "Europe/Kyiv": _("Kyiv"),
    "Asia/Almaty": _("Almaty"),
    "Asia/Tbilisi": _("Tbilisi"),
    "Asia/Yerevan": _("Yerevan"),
    "Europe/Istanbul": _("Istanbul"),
    "Europe/London": _("London"),
    "Europe/Berlin": _("Berlin"),
    "Europe/Paris": _("Paris"),
    "Europe/Amsterdam": _("Amsterdam"),
    "Europe/Belgrade": _("Belgrade"),
    "Asia/Dubai": _("Dubai"),
    "Asia/Kolkata": _("Kolkata"),
    "Asia/Shanghai": _("Shanghai"),
    "Asia/Singapore": _("Singapore"),
    "Asia/Tokyo": _("Tokyo"),
    "Australia/Sydney": _("Sydney"),
    "Pacific/Auckland": _("Auckland"),
    "America/New_York": _("New York"),
    "America/Chicago": _("Chicago"),
    "America/Denver": _("Denver"),
    "America/Los_Angeles": _("Los Angeles"),
    "America/Sao_Paulo": _("São Paulo"),
}


def city_label(zone_name: str) -> str:
    """The city of a zone as the reader's language names it: "New York", "Нью-Йорк"."""
    name = CITY_NAMES.get(zone_name)
    return str(name) if name is not None else city_name(zone_name)


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
        choices = [("", _("— not set —")), *choices]
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


def _in_zone(text: str, zone_name: str) -> str:
    """ "09:00 in New York" ("09:00, Нью-Йорк"), or "13:00 UTC" for a zone without a city."""
    if "/" not in zone_name:
        return f"{text} {zone_name}"
    return gettext("%(time)s in %(city)s") % {"time": text, "city": city_label(zone_name)}


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
        return _in_zone(text, name)

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
