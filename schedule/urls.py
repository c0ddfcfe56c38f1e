from django.urls import include, path

from . import views
from .views import cancel as cancel_views
from .views import share_images, site_files
from .views import zone as zone_views
from .views.unsubscribe import unsubscribe_view

app_name = "schedule"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("events/", views.EventIndexView.as_view(), name="event-index"),
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
    # Share images (og:image) of the event, talk and speaker pages.
    path("events/<slug:slug>/share.png", share_images.event_share_image, name="event-share-image"),
    path(
        "events/<slug:slug>/talks/<slug:talk>/share.png",
        share_images.talk_share_image,
        name="talk-share-image",
    ),
    path(
        "speakers/<slug:slug>/share.png",
        share_images.speaker_share_image,
        name="speaker-share-image",
    ),
    path("events/<slug:slug>/cancel/", cancel_views.cancel_registration, name="event-cancel"),
    path(
        "events/<slug:slug>/cancel/undo/",
        cancel_views.undo_cancellation,
        name="event-cancel-undo",
    ),
    path("zone/", zone_views.zone_picker, name="zone-picker"),
    path("favicon.ico", site_files.favicon, name="favicon"),
    path("manifest.webmanifest", site_files.web_manifest, name="web-manifest"),
    # Live questions of a talk (schedule/questions/).
    path("events/<slug:slug>/talks/<slug:talk>/", include("schedule.questions.urls")),
    path("unsubscribe/<str:token>/", unsubscribe_view, name="unsubscribe"),
]
