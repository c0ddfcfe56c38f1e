"""Calendar files alert 10 minutes before each talk (VALARM)."""

import datetime as dt

import icalendar
import pytest
from django.urls import reverse

from schedule.models import Talk
from tests.factories import make_event, make_registration, make_room, make_talk, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    event = make_event("alarms")
    room = make_room(event)
    make_talk(event, room, title="On")
    make_talk(
        event,
        room,
        title="Off",
        start=event.start + dt.timedelta(hours=1),
        state=Talk.State.CANCELLED,
    )
    return event


def alarms(client, url):
    response = client.get(url)
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.content)
    found = {}
    for vevent in calendar.walk("VEVENT"):
        title = str(vevent["summary"])
        found[title] = [alarm.decoded("trigger") for alarm in vevent.walk("VALARM")]
    return found


def test_the_event_calendar_alerts_10_minutes_before_each_talk_not_cancelled(client, event):
    url = reverse("schedule:event-ics", kwargs={"slug": event.slug})
    assert alarms(client, url) == {"On": [dt.timedelta(minutes=-10)], "Cancelled: Off": []}


def test_the_talk_calendar_alerts_too(client, event):
    talk = event.talks.get(title="On")
    url = reverse("schedule:talk-ics", kwargs={"slug": event.slug, "talk": talk.slug})
    assert alarms(client, url) == {"On": [dt.timedelta(minutes=-10)]}


def test_the_personal_feed_alerts_too(client, event):
    user = make_user()
    make_registration(user, event)
    url = reverse("schedule:personal-ics", kwargs={"token": user.calendar_token})
    assert alarms(client, url)["On"] == [dt.timedelta(minutes=-10)]
