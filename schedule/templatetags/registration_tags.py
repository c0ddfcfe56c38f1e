"""Registration state for templates, read from the rules in ``schedule.registration``."""

import datetime as dt

from django import template

from schedule import formats
from schedule.registration import can_undo, undo_deadline
from schedule.timezones import get_zone

register = template.Library()


@register.filter
def undo_until(registration):
    """When this cancellation can still be undone (a datetime), else None."""
    return undo_deadline(registration) if can_undo(registration) else None


@register.filter
def clock_in(value, zone_name):
    """{{ when|clock_in:event.timezone }}: "15:18 MSK"."""
    return formats.clock(value, get_zone(zone_name) or dt.UTC) if value else ""
