from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("profile/", views.ProfileView.as_view(), name="profile"),
    path("events/", views.MyEventsView.as_view(), name="my-events"),
    path("calendar/reset/", views.calendar_token_reset, name="calendar-reset"),
]
