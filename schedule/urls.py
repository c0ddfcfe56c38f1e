from django.urls import path

from . import views
from .views.unsubscribe import unsubscribe_view

app_name = "schedule"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("events/<slug:slug>/", views.EventDetailView.as_view(), name="event-detail"),
    path("events/<slug:slug>/schedule/", views.EventScheduleView.as_view(), name="event-schedule"),
    path(
        "events/<slug:slug>/talks/<slug:talk>/", views.TalkDetailView.as_view(), name="talk-detail"
    ),
    path("events/<slug:slug>/register/", views.event_register, name="event-register"),
    path("events/<slug:slug>/join/<slug:room>/", views.room_join, name="room-join"),
    # Calendar and frab/c3voc schedule feeds.
    path("events/<slug:slug>/schedule.ics", views.event_ics, name="event-ics"),
    path("events/<slug:slug>/schedule.xml", views.schedule_xml, name="event-xml"),
    path("events/<slug:slug>/schedule.json", views.schedule_json, name="event-json"),
    path("events/<slug:slug>/talks/<slug:talk>.ics", views.talk_ics, name="talk-ics"),
    path("calendar/<slug:token>.ics", views.personal_ics, name="personal-ics"),
    path("speakers/<slug:slug>/", views.SpeakerDetailView.as_view(), name="speaker-detail"),
    path("unsubscribe/<str:token>/", unsubscribe_view, name="unsubscribe"),
]
