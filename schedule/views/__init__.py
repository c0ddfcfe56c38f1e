"""Views of the schedule app, one module per area."""

from .public import (
    EventDetailView,
    EventScheduleView,
    HomeView,
    SpeakerDetailView,
    TalkDetailView,
)
from .registration import event_register, room_join

__all__ = [
    "EventDetailView",
    "EventScheduleView",
    "HomeView",
    "SpeakerDetailView",
    "TalkDetailView",
    "event_register",
    "room_join",
]
