"""Reminders (schedule/reminders.py): who gets which, once, with the link when allowed."""

import datetime as dt

import icalendar
import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from schedule import outbox, reminders, tasks
from schedule.models import Message, Registration
from tests.factories import make_event, make_registration, make_room, make_talk, make_user

pytestmark = pytest.mark.django_db
Status = Registration.Status


@pytest.fixture
def start():
    return (timezone.now() + dt.timedelta(days=3)).replace(second=0, microsecond=0)


@pytest.fixture
def event(start):
    event = make_event(
        "soon",
        name="Soon Fest",
        zone="Europe/Moscow",
        start=start,
        end=start + dt.timedelta(hours=3),
        access_reveal_minutes=30,
        stream_url="https://stream.example/live",
    )
    room = make_room(event, slug="main", join_url="https://video.example/secret-room")
    make_talk(event, room, title="Opening talk", start=start)
    return event


def person(email, event, *, registered_at=None, **fields):
    user = make_user(email, **fields)
    registered_at = registered_at or event.start - dt.timedelta(days=5)
    make_registration(user, event, created_at=registered_at)
    return user


def at(event, minutes_before):
    return event.start - dt.timedelta(minutes=minutes_before)


def test_the_ten_minute_reminder_carries_the_join_link_stream_and_calendar(event, deliver_outbox):
    person("ann@example.com", event, timezone="America/New_York")
    now = at(event, 10)
    assert reminders.queue_due(now) == 1
    (message,) = deliver_outbox(now)
    assert message.to == ["ann@example.com"]
    assert message.subject == "[Eventsite] Soon Fest starts in 10 minutes"
    assert "https://video.example/secret-room" in message.body
    assert "https://stream.example/live" in message.body
    assert "Opening talk" in message.body
    assert "MSK" in message.body and ("EST" in message.body or "EDT" in message.body)
    ((name, ics, mimetype),) = message.attachments
    assert (name, mimetype.split(";")[0]) == ("soon.ics", "text/calendar")
    (vevent,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert vevent.decoded("dtstart") == event.start
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")


def test_the_day_before_reminder_says_when_the_link_appears_instead(event, deliver_outbox):
    person("ann@example.com", event)
    now = at(event, 24 * 60)
    assert reminders.queue_due(now) == 1
    (message,) = deliver_outbox(now)
    assert message.subject == "[Eventsite] Soon Fest starts in 1 day"
    assert "secret-room" not in message.body
    assert "The join link appears on the event page on" in message.body


def test_a_reminder_is_written_once_however_often_the_sweep_runs(event, deliver_outbox):
    person("ann@example.com", event)
    now = at(event, 10)
    reminders.queue_due(now)
    reminders.queue_due(now + dt.timedelta(minutes=1))
    assert Message.objects.filter(kind="reminder").count() == 1
    deliver_outbox(now)
    reminders.queue_due(now + dt.timedelta(minutes=2))
    assert len(deliver_outbox(now + dt.timedelta(minutes=2))) == 1


def test_nothing_is_due_before_the_reminder_time_or_after_the_start(event):
    person("ann@example.com", event)
    assert reminders.queue_due(at(event, 24 * 60 + 1)) == 0
    assert reminders.queue_due(event.start) == 0


def test_who_gets_the_reminder(event):
    person("confirmed@example.com", event)
    person("waiting@example.com", event).registrations.update(status=Status.WAITLISTED)
    person("gone@example.com", event).registrations.update(status=Status.CANCELLED)
    person("unverified@example.com", event, verified=False)
    person("quiet@example.com", event, reminder_emails=False)
    person("late@example.com", event, registered_at=at(event, 5))
    reminders.queue_due(at(event, 10))
    assert list(Message.objects.values_list("to", flat=True)) == ["confirmed@example.com"]


def test_registering_after_the_first_reminder_gets_only_the_second(event):
    person("late@example.com", event, registered_at=at(event, 60))
    assert reminders.queue_due(at(event, 24 * 60)) == 0
    assert reminders.queue_due(at(event, 10)) == 1


def test_cancelled_or_waitlisted_before_sending_gets_nothing(event, deliver_outbox):
    gone = person("gone@example.com", event)
    waiting = person("waiting@example.com", event)
    now = at(event, 10)
    reminders.queue_due(now)
    Registration.objects.filter(user=gone).update(status=Status.CANCELLED)
    Registration.objects.filter(user=waiting).update(status=Status.WAITLISTED)
    assert deliver_outbox(now) == []
    assert set(Message.objects.values_list("state", flat=True)) == {"dropped"}


def test_a_lead_time_of_zero_turns_that_reminder_off(event):
    event.second_reminder_minutes = 0
    event.save()
    person("ann@example.com", event)
    assert reminders.reminder_leads(event) == [24 * 60]
    reminders.queue_due(at(event, 24 * 60))
    reminders.queue_due(at(event, 10))
    assert [v.split("@")[0] for v in Message.objects.values_list("version", flat=True)] == ["1440"]


def test_a_worker_stopped_through_both_times_sends_only_the_later(event, deliver_outbox):
    person("ann@example.com", event)
    now = at(event, 5)
    reminders.queue_due(now)
    (message,) = deliver_outbox(now)
    assert "starts in 5 minutes" in message.subject


def test_writing_reminders_takes_the_same_queries_for_1_and_20_people(start):
    def queries(count, slug):
        event = make_event(slug, start=start, end=start + dt.timedelta(hours=1))
        for n in range(count):
            person(f"{slug}{n}@example.com", event)
        with CaptureQueriesContext(connection) as captured:
            written = reminders.queue_due(at(event, 10))
        Message.objects.all().delete()
        event.delete()
        assert written == count
        return len(captured)

    assert queries(1, "small") == queries(20, "large")


def test_the_minute_task_writes_and_sends_due_reminders(event, settings):
    settings.SITE_URL = "http://127.0.0.1:8000"
    event.start = timezone.now() + dt.timedelta(minutes=9)
    event.end = event.start + dt.timedelta(hours=1)
    event.save()
    person("ann@example.com", event, registered_at=timezone.now() - dt.timedelta(days=1))
    tasks.every_minute.call_local()
    assert [m.to for m in mail.outbox] == [["ann@example.com"]]
    assert "secret-room" in mail.outbox[0].body
    tasks.every_minute.call_local()
    assert len(mail.outbox) == 1
    assert outbox.deliver_due() == 0
