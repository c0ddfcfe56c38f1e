"""Moved and cancelled talks reach the registrants (schedule/changes.py)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from schedule.changes import FOLD
from schedule.models import Message, Registration, Talk
from tests.factories import make_event, make_registration, make_room, make_talk, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    start = (timezone.now() + dt.timedelta(days=3)).replace(hour=10, minute=0, second=0)
    event = make_event(
        "moving", name="Moving Fest", zone="UTC", start=start, end=start + dt.timedelta(hours=8)
    )
    room = make_room(event, slug="main")
    make_talk(event, room, title="First talk", start=start)
    make_talk(event, room, title="Second talk", start=start + dt.timedelta(hours=1))
    make_registration(make_user("ann@example.com"), event)
    make_registration(make_user("bob@example.com"), event, Registration.Status.WAITLISTED)
    make_registration(make_user("gone@example.com"), event, Registration.Status.CANCELLED)
    return event


def move(talk, minutes):
    talk.start += dt.timedelta(minutes=minutes)
    talk.end += dt.timedelta(minutes=minutes)
    talk.save()


def test_several_moves_are_folded_into_one_mail_per_registrant(event, deliver_outbox):
    first, second = event.talks.order_by("start")
    move(first, 15)
    move(second, 15)
    move(first, 15)
    rows = Message.objects.filter(kind="time_changed")
    assert sorted(rows.values_list("to", flat=True)) == ["ann@example.com", "bob@example.com"]
    # Not before the folding delay...
    assert deliver_outbox() == []
    # ...then one mail each, with the times as they are at sending.
    sent = deliver_outbox(timezone.now() + FOLD + dt.timedelta(seconds=1))
    assert sorted(m.to[0] for m in sent) == ["ann@example.com", "bob@example.com"]
    body = sent[0].body
    assert sent[0].subject == "[Eventsite] New times: Moving Fest"
    assert "10:30 UTC: First talk" in body
    assert "11:15 UTC: Second talk" in body
    assert sent[0].attachments[0][0] == "moving.ics"


def test_a_move_after_the_folded_mail_went_out_gets_a_new_mail(event, deliver_outbox):
    first = event.talks.order_by("start").first()
    move(first, 15)
    deliver_outbox(timezone.now() + FOLD + dt.timedelta(seconds=1))
    move(first, 15)
    assert Message.objects.filter(kind="time_changed", state="pending").count() == 2


def test_moving_the_event_is_a_time_change(event):
    event.start += dt.timedelta(hours=1)
    event.end += dt.timedelta(hours=1)
    event.save()
    assert Message.objects.filter(kind="time_changed").count() == 2


def test_editing_a_title_is_no_time_change(event):
    talk = event.talks.first()
    talk.title = "Better title"
    talk.save()
    assert not Message.objects.exists()


def test_cancelling_a_talk_in_the_admin_mails_the_registrants(event, admin_client, deliver_outbox):
    talk = event.talks.get(title="Second talk")
    admin_client.post(
        reverse("admin:schedule_talk_changelist"),
        {"action": "cancel", "_selected_action": [talk.pk]},
    )
    talk.refresh_from_db()
    assert talk.state == Talk.State.CANCELLED
    sent = deliver_outbox()
    assert sorted(m.to[0] for m in sent) == ["ann@example.com", "bob@example.com"]
    assert sent[0].subject == "[Eventsite] Cancelled: Second talk"
    assert "“Second talk” of Moving Fest" in sent[0].body
    assert "is cancelled" in sent[0].body
    (name, ics, _) = sent[0].attachments[0]
    assert "STATUS:CANCELLED" in (ics.decode() if isinstance(ics, bytes) else ics)


def test_a_talk_cancelled_and_restored_before_sending_sends_nothing(event, deliver_outbox):
    talk = event.talks.get(title="Second talk")
    talk.state = Talk.State.CANCELLED
    talk.save()
    talk.state = Talk.State.PUBLISHED
    talk.save()
    assert deliver_outbox() == []
    assert set(Message.objects.values_list("state", flat=True)) == {"dropped"}


def test_a_cancelled_talk_says_so_on_its_page(event, client):
    talk = event.talks.get(title="Second talk")
    talk.state = Talk.State.CANCELLED
    talk.save()
    html = client.get(talk.get_absolute_url()).content.decode()
    assert "Cancelled" in html
