"""Cancelling with a confirmation step, and undoing it (schedule/registration.py, views.cancel)."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from schedule.models import Registration
from schedule.registration import UndoExpired, cancel, register, undo_cancel
from tests.factories import make_event, make_registration, make_room, make_user

pytestmark = pytest.mark.django_db
Status = Registration.Status


@pytest.fixture
def full():
    """An event in two days with one place, taken by ann; bob is waiting."""
    day = (timezone.now() + dt.timedelta(days=2)).date()
    event = make_event("full", day=day, capacity=1, name="Full Fest")
    make_room(event, slug="main", name="Main stage", join_url="https://meet.example/x")
    return event


def status_of(user, event):
    return Registration.objects.get(user=user, event=event).status


# --- the rules -------------------------------------------------------------


def test_undo_within_the_window_restores_the_place_in_a_full_event(full):
    ann = make_user("ann@example.com")
    register(ann, full)
    cancel(ann, full)
    assert status_of(ann, full) == Status.CANCELLED
    result = undo_cancel(ann, full, now=timezone.now() + dt.timedelta(minutes=9))
    assert result.changed
    assert status_of(ann, full) == Status.CONFIRMED
    full.refresh_from_db()
    assert full.free_places() == 0


def test_undo_takes_the_place_back_in_the_counter_too(full):
    ann, bob = make_user("ann@example.com"), make_user("bob@example.com")
    register(ann, full)
    cancel(ann, full)
    undo_cancel(ann, full)
    full.refresh_from_db()
    assert full.places_taken == 1 == full.registrations.confirmed().count()
    # The place is no longer free: the next person waits.
    assert register(bob, full).status == Status.WAITLISTED


def test_cancel_then_promotion_then_undo_joins_the_back_of_the_waitlist(full):
    ann, bob, cat = make_user("ann@example.com"), make_user("bob@example.com"), make_user()
    register(ann, full)
    register(bob, full)
    register(cat, full)
    result = cancel(ann, full)
    assert [r.user for r in result.promoted] == [bob]
    undone = undo_cancel(ann, full)
    assert undone.status == Status.WAITLISTED
    assert status_of(bob, full) == Status.CONFIRMED
    # ann queues after cat, who was waiting before her undo.
    waiting = full.registrations.waitlisted().order_by("created_at", "pk")
    assert [r.user for r in waiting] == [cat, ann]


def test_undo_after_ten_minutes_is_refused(full):
    ann = make_user()
    register(ann, full)
    cancel(ann, full)
    with pytest.raises(UndoExpired, match="10 minutes only"):
        undo_cancel(ann, full, now=timezone.now() + dt.timedelta(minutes=10, seconds=5))
    assert status_of(ann, full) == Status.CANCELLED


def test_undo_of_leaving_the_waitlist_keeps_the_old_position(full):
    ann, bob, cat = make_user(), make_user(), make_user()
    register(ann, full)
    register(bob, full)
    register(cat, full)
    cancel(bob, full)
    undo_cancel(bob, full)
    waiting = full.registrations.waitlisted().order_by("created_at", "pk")
    assert [r.user for r in waiting] == [bob, cat]


def test_undo_without_a_cancellation_is_refused(full):
    with pytest.raises(UndoExpired):
        undo_cancel(make_user(), full)


def test_register_again_clears_the_undo(full):
    ann = make_user()
    register(ann, full)
    cancel(ann, full)
    register(ann, full)
    cancel(ann, full, now=timezone.now() - dt.timedelta(minutes=30))
    with pytest.raises(UndoExpired):
        undo_cancel(ann, full)


# --- the pages -------------------------------------------------------------


def cancel_url(event):
    return reverse("schedule:event-cancel", args=[event.slug])


def test_cancel_page_names_the_event_warns_of_the_waitlist_and_keeps_by_default(client, full):
    ann = make_user()
    make_registration(ann, full)
    make_registration(make_user(), full, status=Status.WAITLISTED)
    client.force_login(ann)
    response = client.get(cancel_url(full))
    html = response.content.decode()
    assert "Cancel your registration?" in html
    assert "Full Fest" in html
    assert "your place goes at once to the first person on the waitlist" in html
    keep = html.index("Keep my place")
    assert keep < html.index('type="submit" class="button button--danger"')
    assert 'href="/events/full/" autofocus>Keep my place' in html
    assert "private" in response["Cache-Control"]
    assert status_of(ann, full) == Status.CONFIRMED  # a GET changes nothing


def test_cancel_page_without_waitlist_says_nothing_of_it(client, full):
    ann = make_user()
    make_registration(ann, full)
    client.force_login(ann)
    html = client.get(cancel_url(full)).content.decode()
    assert "first person on the waitlist" not in html


def test_join_panel_links_to_the_confirmation_not_a_one_click_cancel(client, full):
    ann = make_user()
    make_registration(ann, full)
    client.force_login(ann)
    html = client.get(full.get_absolute_url()).content.decode()
    assert 'href="/events/full/cancel/"' in html
    assert 'value="cancel"' not in html


def test_old_cancel_form_lands_on_the_confirmation(client, full):
    ann = make_user()
    make_registration(ann, full)
    client.force_login(ann)
    response = client.post(reverse("schedule:event-register", args=["full"]), {"action": "cancel"})
    assert response["Location"] == "/events/full/cancel/"
    assert status_of(ann, full) == Status.CONFIRMED


def test_cancel_then_undo_through_the_pages(client, full):
    ann = make_user()
    make_registration(ann, full)
    client.force_login(ann)
    html = client.post(cancel_url(full), follow=True).content.decode()
    assert "Your registration for Full Fest is cancelled." in html
    assert "Undo it until" in html
    assert 'action="/events/full/cancel/undo/"' in html
    html = client.post(reverse("schedule:event-cancel-undo", args=["full"]), follow=True)
    html = html.content.decode()
    assert "Your place at Full Fest is back." in html
    assert status_of(ann, full) == Status.CONFIRMED


def test_undo_after_promotion_says_waitlist(client, full):
    ann, bob = make_user(), make_user()
    make_registration(ann, full)
    make_registration(bob, full, status=Status.WAITLISTED)
    client.force_login(ann)
    client.post(cancel_url(full))
    assert status_of(bob, full) == Status.CONFIRMED
    response = client.post(reverse("schedule:event-cancel-undo", args=["full"]), follow=True)
    assert "went to someone on the waitlist in the meantime" in response.content.decode()
    assert status_of(ann, full) == Status.WAITLISTED


def test_undo_after_the_window_shows_why_and_no_button(client, full):
    ann = make_user()
    make_registration(ann, full)
    client.force_login(ann)
    client.post(cancel_url(full))
    Registration.objects.filter(user=ann).update(
        cancelled_at=timezone.now() - dt.timedelta(minutes=11)
    )
    assert 'action="/events/full/cancel/undo/"' not in client.get("/events/full/").content.decode()
    response = client.post(reverse("schedule:event-cancel-undo", args=["full"]), follow=True)
    assert "can be undone for 10 minutes only" in response.content.decode()
    assert status_of(ann, full) == Status.CANCELLED


def test_cancel_page_needs_sign_in(client, full):
    response = client.get(cancel_url(full))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
