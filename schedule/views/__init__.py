"""Views of the schedule app, one module per area."""

from .feeds import (
    calendar_token_reset,
    event_ics,
    personal_ics,
    schedule_json,
    schedule_xml,
    talk_ics,
)
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
    "calendar_token_reset",
    "event_ics",
    "personal_ics",
    "room_join",
    "schedule_json",
    "schedule_xml",
    "talk_ics",
]
