"""Opting out of reminders and announcements: the profile and one-click unsubscribe."""

import datetime as dt

import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone

from schedule import reminders, unsubscribe
from schedule.models import Message
from tests.factories import make_event, make_registration, make_room, make_talk, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    start = (timezone.now() + dt.timedelta(days=3)).replace(second=0, microsecond=0)
    event = make_event("soon", start=start, end=start + dt.timedelta(hours=2))
    make_talk(event, make_room(event), start=start)
    return event


def reminder_for(user, event, deliver_outbox):
    make_registration(user, event, created_at=event.start - dt.timedelta(days=5))
    now = event.start - dt.timedelta(minutes=10)
    reminders.queue_due(now)
    (message,) = deliver_outbox(now)
    return message


def path_of(header):
    url = header.strip("<>")
    return url[url.index("/unsubscribe/") :]


def test_one_click_post_unsubscribes_without_signing_in(event, deliver_outbox):
    user = make_user("ann@example.com")
    message = reminder_for(user, event, deliver_outbox)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    path = path_of(message.extra_headers["List-Unsubscribe"])
    # As a mail program sends it (RFC 8058): no cookies, no CSRF token.
    response = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    assert "You no longer get reminders before events" in response.content.decode()
    user.refresh_from_db()
    assert user.reminder_emails is False
    assert user.announcement_emails is True


def test_get_only_asks_to_confirm(event, client):
    user = make_user()
    path = path_of(unsubscribe.headers(user, "announcements")["List-Unsubscribe"])
    response = client.get(path)
    html = response.content.decode()
    assert "Stop sending me announcements from organisers?" in html
    assert '<form method="post"' in html
    assert (
        response["Cache-Control"].startswith("max-age=0") or "private" in response["Cache-Control"]
    )
    user.refresh_from_db()
    assert user.announcement_emails is True


def test_a_forged_or_cut_token_is_refused(client):
    user = make_user()
    token = unsubscribe.make_token(user, "reminders")
    other_topic = signing.dumps({"u": user.pk, "t": "everything"}, salt=unsubscribe.SALT)
    other_salt = signing.dumps({"u": user.pk, "t": "reminders"}, salt="elsewhere")
    for bad in (token[:-3], "nonsense", other_topic, other_salt):
        response = client.post(f"/unsubscribe/{bad}/")
        assert response.status_code == 404
        assert "This unsubscribe link is not valid" in response.content.decode()
    user.refresh_from_db()
    assert user.reminder_emails is True


def test_opted_out_people_get_no_reminder_but_still_registration_mail(event, deliver_outbox):
    from schedule.registration import register

    user = make_user("quiet@example.com", reminder_emails=False)
    soon = make_event(
        "other",
        start=timezone.now() + dt.timedelta(days=2),
        end=timezone.now() + dt.timedelta(days=2, hours=1),
    )
    register(user, soon)
    assert [m.to for m in deliver_outbox()] == [["quiet@example.com"]]
    make_registration(user, event, created_at=event.start - dt.timedelta(days=5))
    assert reminders.queue_due(event.start - dt.timedelta(minutes=10)) == 0
    assert not Message.objects.filter(kind="reminder").exists()


def test_the_profile_turns_reminders_and_announcements_off_and_on(client):
    user = make_user("ann@example.com")
    client.force_login(user)
    html = client.get("/accounts/profile/").content.decode()
    assert 'name="reminder_emails"' in html and 'name="announcement_emails"' in html
    client.post("/accounts/profile/", {"display_name": "Ann", "announcement_emails": "on"})
    user.refresh_from_db()
    assert (user.reminder_emails, user.announcement_emails) == (False, True)
