"""Views of the schedule app, one module per area."""

from .public import (
    EventDetailView,
    EventScheduleView,
    HomeView,
    SpeakerDetailView,
    TalkDetailView,
    room_join,
)

__all__ = [
    "EventDetailView",
    "EventScheduleView",
    "HomeView",
    "SpeakerDetailView",
    "TalkDetailView",
    "room_join",
]
