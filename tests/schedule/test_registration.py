"""Registration rules (schedule/registration.py) and the register view."""

import datetime as dt
import threading

import icalendar
import pytest
from django.core import mail
from django.db import close_old_connections, connection
from django.urls import reverse
from django.utils import timezone

from schedule.models import Registration
from schedule.registration import (
    RegistrationClosed,
    VerificationRequired,
    cancel,
    promote_waitlisted,
    register,
)
from tests.factories import make_event, make_registration, make_room, make_talk, make_user

# Mails are outbox rows delivered by the worker; here the worker's task runs at once
# when the registration commits (on_commit callbacks captured and run by the tests).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("huey_immediate")]
Status = Registration.Status


@pytest.fixture
def soon():
    """An event starting in two days, registration open."""
    day = (timezone.now() + dt.timedelta(days=2)).date()
    event = make_event("soon", day=day, access_reveal_minutes=30, name="Soon Fest")
    room = make_room(event, slug="main", name="Main stage")
    make_talk(event, room, title="Opening talk")
    return event


def statuses(event):
    return list(
        Registration.objects.filter(event=event)
        .order_by("user__email")
        .values_list("user__email", "status")
    )


# --- the rules -------------------------------------------------------------


def test_register_confirms_when_there_is_room(soon, django_capture_on_commit_callbacks):
    user = make_user("ann@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        result = register(user, soon)
    assert result.changed
    assert result.registration.status == Status.CONFIRMED
    assert [m.to for m in mail.outbox] == [["ann@example.com"]]


def test_register_twice_is_one_registration(soon, django_capture_on_commit_callbacks):
    user = make_user()
    with django_capture_on_commit_callbacks(execute=True):
        first = register(user, soon)
        second = register(user, soon)
    assert first.registration.pk == second.registration.pk
    assert not second.changed
    assert Registration.objects.filter(event=soon).count() == 1
    assert len(mail.outbox) == 1


def test_register_when_full_goes_to_waitlist(soon, django_capture_on_commit_callbacks):
    soon.capacity = 1
    soon.save()
    with django_capture_on_commit_callbacks(execute=True):
        register(make_user("a@example.com"), soon)
        result = register(make_user("b@example.com"), soon)
    assert result.registration.status == Status.WAITLISTED
    assert statuses(soon) == [("a@example.com", "confirmed"), ("b@example.com", "waitlisted")]
    assert [m.to for m in mail.outbox] == [["a@example.com"], ["b@example.com"]]
    assert "You are registered for Soon Fest" in mail.outbox[0].subject
    assert "You are on the waitlist for Soon Fest" in mail.outbox[1].subject
    assert "it is yours automatically" in mail.outbox[1].body


def test_cancel_promotes_the_oldest_waitlisted_and_mails_them(
    soon, django_capture_on_commit_callbacks
):
    soon.capacity = 1
    soon.save()
    first, second, third = (make_user(f"{n}@example.com") for n in ("first", "second", "third"))
    register(first, soon)
    now = timezone.now()
    register(third, soon, now=now + dt.timedelta(seconds=2))
    register(second, soon, now=now + dt.timedelta(seconds=1))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        result = cancel(first, soon)
    assert [r.user for r in result.promoted] == [second]
    assert statuses(soon) == [
        ("first@example.com", "cancelled"),
        ("second@example.com", "confirmed"),
        ("third@example.com", "waitlisted"),
    ]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["second@example.com"]
    assert "A place freed up" in mail.outbox[0].subject


def test_cancelling_a_waitlisted_registration_promotes_nobody(soon):
    soon.capacity = 1
    soon.save()
    register(make_user("a@example.com"), soon)
    waiting = make_user("b@example.com")
    register(waiting, soon)
    result = cancel(waiting, soon)
    assert result.promoted == []
    assert statuses(soon) == [("a@example.com", "confirmed"), ("b@example.com", "cancelled")]


def test_cancel_twice_is_harmless(soon):
    user = make_user()
    register(user, soon)
    assert cancel(user, soon).changed
    assert cancel(user, soon) is None
    assert cancel(make_user(), soon) is None


def test_register_again_after_cancel_goes_to_the_back_of_the_queue(soon):
    soon.capacity = 1
    soon.save()
    a, b, c = make_user("a@example.com"), make_user("b@example.com"), make_user("c@example.com")
    register(a, soon)
    register(b, soon)  # waitlisted
    cancel(b, soon)
    register(c, soon)  # waitlisted
    register(b, soon)  # waitlisted again, after c
    cancel(a, soon)
    assert statuses(soon) == [
        ("a@example.com", "cancelled"),
        ("b@example.com", "waitlisted"),
        ("c@example.com", "confirmed"),
    ]


def test_larger_capacity_promotes_in_order(soon):
    soon.capacity = 1
    soon.save()
    users = [make_user(f"u{n}@example.com") for n in range(4)]
    now = timezone.now()
    for n, user in enumerate(users):
        register(user, soon, now=now + dt.timedelta(seconds=n))
    soon.capacity = 3
    soon.save()
    promoted = promote_waitlisted(soon)
    assert [r.user.email for r in promoted] == ["u1@example.com", "u2@example.com"]
    assert soon.registrations.confirmed().count() == 3


def test_registration_window_closed_before_it_opens(soon):
    soon.registration_opens = timezone.now() + dt.timedelta(hours=1)
    soon.save()
    with pytest.raises(RegistrationClosed, match="Registration opens on"):
        register(make_user(), soon)
    assert not Registration.objects.exists()


def test_registration_window_closed_after_it_closes(soon):
    soon.registration_closes = timezone.now() - dt.timedelta(minutes=1)
    soon.registration_opens = timezone.now() - dt.timedelta(days=1)
    soon.save()
    with pytest.raises(RegistrationClosed, match="Registration is closed"):
        register(make_user(), soon)


def test_registration_closed_for_past_event():
    past = make_event(day=dt.date(2020, 9, 19))
    with pytest.raises(RegistrationClosed, match="this event has ended"):
        register(make_user(), past)


def test_unverified_user_cannot_register(soon):
    with pytest.raises(VerificationRequired):
        register(make_user(verified=False), soon)
    assert not Registration.objects.exists()


# --- the confirmation e-mail ------------------------------------------------


def test_confirmation_mail_has_both_zones_event_link_and_ics(
    settings, soon, django_capture_on_commit_callbacks
):
    settings.SITE_URL = "https://events.example.org"
    user = make_user("ann@example.com", timezone="America/New_York")
    with django_capture_on_commit_callbacks(execute=True):
        register(user, soon)
    (message,) = mail.outbox
    body = message.body
    assert "You are registered for Soon Fest" in body
    assert "10:00 MSK" in body  # the event's zone
    assert "03:00 EDT your time" in body or "02:00 EST your time" in body
    assert "https://events.example.org/events/soon/" in body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert 'href="https://events.example.org/events/soon/"' in html
    ((name, ics, ics_type),) = message.attachments
    assert name == "soon.ics"
    assert ics_type.startswith("text/calendar")
    ics = ics.decode() if isinstance(ics, bytes) else ics
    assert ics.count("BEGIN:VEVENT") == 1
    assert "SUMMARY;LANGUAGE=en:Opening talk" in ics
    (vevent,) = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert vevent.decoded("dtstart") == soon.start
    for text in (body, html, ics):
        assert "video.example" not in text
        assert "Secret instructions" not in text


def test_confirmation_mail_lists_only_published_talks(soon, django_capture_on_commit_callbacks):
    make_talk(soon, soon.rooms.get(), title="Draft talk", state="draft")
    with django_capture_on_commit_callbacks(execute=True):
        register(make_user(), soon)
    (message,) = mail.outbox
    assert "Draft talk" not in message.body
    assert str(message.attachments[0][1]).count("BEGIN:VEVENT") == 1


# --- the view ----------------------------------------------------------------


def register_url(event):
    return reverse("schedule:event-register", kwargs={"slug": event.slug})


def test_register_view_is_post_only(client, soon):
    client.force_login(make_user())
    assert client.get(register_url(soon)).status_code == 405


def test_register_view_needs_csrf(soon):
    from django.test import Client

    csrf_client = Client(enforce_csrf_checks=True)
    csrf_client.force_login(make_user())
    response = csrf_client.post(register_url(soon))
    assert response.status_code == 403
    assert not Registration.objects.exists()


def test_anonymous_register_goes_to_sign_in_and_back(client, soon):
    response = client.post(register_url(soon))
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/events/soon/"


def test_unverified_register_gets_an_explanation_with_resend(client, soon):
    user = make_user("new@example.com", verified=False)
    client.force_login(user)
    response = client.post(register_url(soon))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Verify your e-mail address" in html
    assert 'name="action_send"' in html
    assert 'value="new@example.com"' in html
    assert not Registration.objects.exists()


def test_register_view_confirms_and_says_so(client, soon, django_capture_on_commit_callbacks):
    user = make_user("ann@example.com")
    client.force_login(user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(register_url(soon), follow=True)
    assert response.redirect_chain == [("/events/soon/", 302)]
    html = response.content.decode()
    assert "You are registered for Soon Fest" in html
    assert "The link appears 30 minutes before the start" in html
    assert "Cancel my registration" in html
    assert len(mail.outbox) == 1


def test_register_view_twice_says_already_registered(client, soon):
    client.force_login(make_user())
    client.post(register_url(soon))
    response = client.post(register_url(soon), follow=True)
    assert "You are already registered for Soon Fest" in response.content.decode()
    assert Registration.objects.count() == 1


def test_register_view_when_full_says_waitlist(client, soon):
    soon.capacity = 1
    soon.save()
    make_registration(make_user(), soon)
    client.force_login(make_user())
    page = client.get(soon.get_absolute_url()).content.decode()
    assert "All places are taken" in page
    assert "Join the waitlist" in page
    response = client.post(register_url(soon), follow=True)
    html = response.content.decode()
    assert "Soon Fest is full: you are on the waitlist" in html
    assert "Leave the waitlist" in html


def test_cancel_view(client, soon):
    user = make_user()
    make_registration(user, soon)
    client.force_login(user)
    response = client.post(reverse("schedule:event-cancel", args=["soon"]), follow=True)
    html = response.content.decode()
    assert "Your registration for Soon Fest is cancelled" in html
    assert "Register again" in html
    assert Registration.objects.get().status == Status.CANCELLED


def test_cancel_page_keeps_a_safe_next_for_keep_my_place(client, soon):
    user = make_user()
    make_registration(user, soon)
    client.force_login(user)
    url = reverse("schedule:event-cancel", args=["soon"])
    html = client.get(url, {"next": "/accounts/events/"}).content.decode()
    assert 'href="/accounts/events/" autofocus' in html
    html = client.get(url, {"next": "https://evil.example/"}).content.decode()
    assert 'href="https://evil.example/"' not in html
    assert 'href="/events/soon/" autofocus' in html


def test_register_view_closed_window_says_so(client, soon):
    soon.registration_opens = timezone.now() - dt.timedelta(days=2)
    soon.registration_closes = timezone.now() - dt.timedelta(days=1)
    soon.save()
    client.force_login(make_user())
    page = client.get(soon.get_absolute_url()).content.decode()
    assert "Registration is closed." in page
    assert 'action="/events/soon/register/"' not in page
    response = client.post(register_url(soon), follow=True)
    assert "Registration is closed." in response.content.decode()
    assert not Registration.objects.exists()


def test_past_event_page_says_registration_closed(client):
    past = make_event("past", day=dt.date(2020, 9, 19))
    client.force_login(make_user())
    page = client.get(past.get_absolute_url()).content.decode()
    assert "Registration is closed: this event has ended." in page
    assert register_url(past) not in page
    response = client.post(register_url(past), follow=True)
    assert "Registration is closed: this event has ended." in response.content.decode()


def test_unpublished_event_register_is_404(client):
    hidden = make_event(is_published=False)
    client.force_login(make_user())
    assert client.post(register_url(hidden)).status_code == 404


# --- concurrency (PostgreSQL) -------------------------------------------------


@pytest.mark.postgres
# serialized_rollback: leave the content types as migrations made them, like the
# other transactional tests (scale-out, browser), whose set-up restores them.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_capacity_holds_under_concurrent_registrations():
    if connection.vendor != "postgresql":
        pytest.skip(
            f"needs PostgreSQL row locks (DATABASE_URL is {connection.vendor}); run with "
            "DATABASE_URL=postgres://root@127.0.0.1:5432/<db> pytest -m postgres"
        )
    day = (timezone.now() + dt.timedelta(days=3)).date()
    event = make_event("rush", day=day, capacity=5)
    users = [make_user(f"p{n:02d}@example.com") for n in range(30)]
    barrier = threading.Barrier(len(users))
    errors = []

    def attempt(user):
        try:
            barrier.wait(timeout=30)
            register(user, event)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=attempt, args=(user,)) for user in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert event.registrations.confirmed().count() == 5
    assert event.registrations.waitlisted().count() == 25
    subjects = [m.subject for m in mail.outbox]
    assert sum("You are registered" in subject for subject in subjects) == 5
    assert sum("on the waitlist" in subject for subject in subjects) == 25

    # Cancellations promote the waitlist in the order people registered.
    waiting = list(event.registrations.waitlisted().order_by("created_at", "pk"))
    confirmed = list(event.registrations.confirmed().select_related("user"))
    for n, registration in enumerate(confirmed[:3]):
        result = cancel(registration.user, event)
        assert [r.pk for r in result.promoted] == [waiting[n].pk]
    assert event.registrations.confirmed().count() == 5
    assert event.registrations.waitlisted().count() == 22
    assert set(event.registrations.confirmed().values_list("pk", flat=True)) == {
        r.pk for r in confirmed[3:] + waiting[:3]
    }


def test_admin_action_gives_free_places_to_the_waitlist(
    client, superuser, soon, django_capture_on_commit_callbacks
):
    soon.capacity = 1
    soon.save()
    register(make_user("a@example.com"), soon)
    register(make_user("b@example.com"), soon)
    soon.capacity = 2
    soon.save()
    client.force_login(superuser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:schedule_registration_changelist"),
            {
                "action": "promote_waitlisted",
                "_selected_action": list(soon.registrations.values_list("pk", flat=True)),
            },
            follow=True,
        )
    assert "1 waitlisted registration confirmed and e-mailed" in response.content.decode()
    assert statuses(soon) == [("a@example.com", "confirmed"), ("b@example.com", "confirmed")]
    assert [m.to for m in mail.outbox] == [["b@example.com"]]
