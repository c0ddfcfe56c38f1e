"""The counter of places taken (Event.places_taken): exact through register, cancel,
promote, the admin and concurrency; `check_places`; the waitlist position."""

import datetime as dt
import threading

import pytest
from django.core.management import CommandError, call_command
from django.db import close_old_connections, connection
from django.urls import reverse
from django.utils import timezone

from schedule.models import Event, Message, Registration
from schedule.registration import cancel, promote_waitlisted, register
from tests.factories import make_event, make_registration, make_user

pytestmark = pytest.mark.django_db
Status = Registration.Status


@pytest.fixture
def event():
    day = (timezone.now() + dt.timedelta(days=3)).date()
    return make_event("counted", day=day, capacity=2, name="Counted Fest")


def counter(event):
    return Event.objects.values_list("places_taken", flat=True).get(pk=event.pk)


def confirmed_rows(event):
    return Registration.objects.filter(event=event, status=Status.CONFIRMED).count()


def test_register_cancel_and_promote_keep_the_counter_equal_to_the_rows(event):
    people = [make_user() for _ in range(4)]
    results = [register(person, event) for person in people]
    assert [r.status for r in results] == [Status.CONFIRMED] * 2 + [Status.WAITLISTED] * 2
    assert [r.position for r in results] == [None, None, 1, 2]
    assert counter(event) == confirmed_rows(event) == 2

    result = cancel(people[0], event)
    assert [r.user for r in result.promoted] == [people[2]]
    assert counter(event) == confirmed_rows(event) == 2
    assert Registration.objects.get(user=people[3]).waitlist_position() == 1

    cancel(people[3], event)  # a waitlisted person leaves: no place freed
    assert counter(event) == 2
    again = register(people[0], event)  # back of the queue
    assert (again.status, again.position) == (Status.WAITLISTED, 1)


def test_event_page_shows_places_left_from_the_counter(client, event):
    register(make_user(), event)
    client.force_login(make_user())
    page = client.get(event.get_absolute_url()).content.decode()
    assert "1 place left." in page
    register(make_user(), event)
    page = client.get(event.get_absolute_url()).content.decode()
    assert "All places are taken" in page


def test_a_stale_copy_of_the_event_never_writes_back_the_counter(event):
    stale = Event.objects.get(pk=event.pk)
    register(make_user(), event)
    stale.name = "Renamed Fest"
    stale.save()
    assert stale.places_taken == 1
    assert counter(event) == 1


def test_capacity_lowered_below_the_taken_places_shows_none_left_never_negative(event):
    register(make_user(), event)
    register(make_user(), event)
    event.refresh_from_db()
    event.capacity = 1
    event.save()
    assert event.free_places() == 0
    assert register(make_user(), event).status == Status.WAITLISTED


def test_registering_twice_is_one_registration_and_one_place(
    client, event, django_capture_on_commit_callbacks
):
    user = make_user()
    client.force_login(user)
    url = reverse("schedule:event-register", args=[event.slug])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
        response = client.post(url, follow=True)
    assert "You are already registered for Counted Fest." in response.content.decode()
    assert Registration.objects.filter(user=user).count() == 1
    assert counter(event) == 1
    # One confirmation in the outbox (the worker sends it, not the request).
    assert list(Message.objects.filter(user=user).values_list("kind", flat=True)) == ["confirmed"]


def test_register_view_tells_the_waitlist_position(client, event):
    register(make_user(), event)
    register(make_user(), event)
    register(make_user(), event)
    client.force_login(make_user())
    url = reverse("schedule:event-register", args=[event.slug])
    html = client.post(url, follow=True).content.decode()
    assert "Counted Fest is full: you are on the waitlist, position 2." in html


def test_event_page_of_a_waitlisted_person_shows_the_position(client, event):
    first, second, waiting = make_user(), make_user(), make_user()
    for person in (first, second, make_user(), waiting):
        register(person, event)
    client.force_login(waiting)
    assert "Your place in the queue: 2." in client.get(event.get_absolute_url()).content.decode()
    cancel(first, event)  # the first in the queue gets the place; this person moves up
    assert "Your place in the queue: 1." in client.get(event.get_absolute_url()).content.decode()
    client.force_login(second)
    assert "Your place in the queue" not in client.get(event.get_absolute_url()).content.decode()


def test_check_places_reports_and_fixes_a_wrong_counter(event):
    people = [make_user() for _ in range(3)]
    for person in people:
        register(person, event)
    # A deletion that goes round schedule/registration.py (a user deleted, SQL by hand).
    Registration.objects.filter(user=people[0]).delete()
    with pytest.raises(CommandError, match="1 event"):
        call_command("check_places")
    call_command("check_places", fix=True)
    assert counter(event) == confirmed_rows(event) == 2
    assert Registration.objects.get(user=people[2]).status == Status.CONFIRMED
    call_command("check_places")  # agrees now: no error


def test_admin_deleting_a_confirmed_registration_frees_its_place(admin_client, event):
    people = [make_user() for _ in range(3)]
    for person in people:
        register(person, event)
    first = Registration.objects.get(user=people[0])
    url = reverse("admin:schedule_registration_delete", args=[first.pk])
    admin_client.post(url, {"post": "yes"})
    assert counter(event) == confirmed_rows(event) == 2
    assert Registration.objects.get(user=people[2]).status == Status.CONFIRMED


def test_factory_registrations_count_too(event):
    make_registration(make_user(), event)
    assert counter(event) == 1
    assert promote_waitlisted(event) == []
    assert counter(event) == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_counter_is_exact_under_concurrent_registrations_and_double_clicks():
    """40 people at once for 10 places, 5 of them clicking twice: 10 confirmed, the
    waitlist numbered 1..30 in the order of registration, the counter equal to the rows."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks: DATABASE_URL=postgres://... pytest -m postgres")
    day = (timezone.now() + dt.timedelta(days=3)).date()
    event = make_event("rush-counter", day=day, capacity=10)
    users = [make_user(f"c{n:02d}@example.com") for n in range(40)]
    attempts = users + users[:5]
    barrier = threading.Barrier(len(attempts))
    results, errors = [], []

    def attempt(user):
        try:
            barrier.wait(timeout=30)
            results.append(register(user, event))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=attempt, args=(user,)) for user in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(r.changed for r in results) == 40
    assert Registration.objects.filter(event=event).count() == 40
    assert confirmed_rows(event) == 10 == counter(event)
    waiting = list(event.registrations.waitlisted().order_by("created_at", "pk"))
    assert [r.waitlist_position() for r in waiting] == list(range(1, 31))
    # Every place was handed out before anyone was waitlisted.
    by_pk = list(event.registrations.order_by("pk").values_list("status", flat=True))
    assert by_pk == [Status.CONFIRMED] * 10 + [Status.WAITLISTED] * 30
    # One mail each in the outbox, none for the double clicks' rolled-back attempts.
    kinds = Message.objects.filter(event=event).values_list("kind", flat=True)
    assert sorted(kinds) == ["confirmed"] * 10 + ["waitlisted"] * 30
