"""Registration state for templates, read from the rules in ``schedule.registration``."""

from django import template

from schedule.registration import can_undo, undo_deadline

register = template.Library()


@register.filter
def undo_until(registration):
    """When this cancellation can still be undone (a datetime), else None."""
    return undo_deadline(registration) if can_undo(registration) else None
