from django.urls import path

from schedule.views import calendar_token_reset

app_name = "accounts"

urlpatterns: list = [
    # /accounts/profile/ and other pages of the signed-in user.
    path("calendar/reset/", calendar_token_reset, name="calendar-reset"),
]
