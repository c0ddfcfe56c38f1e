from django.urls import path

from . import talk_views
from . import views as speaker_views

app_name = "speaker"

urlpatterns = [
    path("", speaker_views.speaker_profile, name="speaker-profile"),
    path("claim/", speaker_views.speaker_claim, name="claim"),
    path("invite/<str:token>/", speaker_views.speaker_invite, name="invite"),
    path("talks/<int:talk_id>/", talk_views.speaker_talk_edit, name="talk-edit"),
]
