"""Views of the schedule app, one module per area."""

from .event_index import EventIndexView
from .feeds import (
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
)
from .registration import event_register, room_join

__all__ = [
    "EventDetailView",
    "EventIndexView",
    "EventScheduleView",
    "HomeView",
    "SpeakerDetailView",
    "TalkDetailView",
    "event_ics",
    "personal_ics",
    "event_register",
    "room_join",
    "schedule_json",
    "schedule_xml",
    "talk_ics",
]
