"""The outbox (schedule/outbox.py): written with the change, delivered once, retried."""

import datetime as dt
import socket
import threading
import time
from types import SimpleNamespace

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from schedule import outbox
from schedule.models import Message, Registration
from schedule.registration import register
from tests.factories import make_event, make_room, make_talk, make_user

pytestmark = pytest.mark.django_db
State = Message.State


@pytest.fixture
def soon():
    day = (timezone.now() + dt.timedelta(days=2)).date()
    event = make_event("soon", day=day, name="Soon Fest")
    make_talk(event, make_room(event, slug="main"), title="Opening talk")
    return event


class BrokenBackend:
    """A mail backend whose server refuses every mail."""

    def __init__(self, *args, **kwargs):
        pass

    def open(self):
        return False

    def close(self):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def test_registering_writes_a_pending_row_and_sends_nothing(soon):
    register(make_user("ann@example.com"), soon)
    (message,) = Message.objects.all()
    assert (message.kind, message.state, message.to) == ("confirmed", "pending", "ann@example.com")
    assert message.event == soon
    assert mail.outbox == []


def test_a_rolled_back_registration_leaves_no_mail(soon):
    with pytest.raises(RuntimeError), transaction.atomic():
        register(make_user(), soon)
        raise RuntimeError("the request failed later")
    assert not Registration.objects.exists()
    assert not Message.objects.exists()


def test_the_same_mail_written_twice_is_one_row(soon):
    user = make_user()
    first = outbox.queue(Message.Kind.ANNOUNCEMENT, user=user, event=soon, version="1")
    second = outbox.queue(Message.Kind.ANNOUNCEMENT, user=user, event=soon, version="1")
    assert first is not None and second is None
    assert Message.objects.count() == 1


def test_deliver_sends_once_and_marks_sent(soon, deliver_outbox):
    register(make_user("ann@example.com"), soon)
    message = Message.objects.get()
    assert outbox.deliver(message.pk) == State.SENT
    assert outbox.deliver(message.pk) is None  # already sent: not ours to send
    assert deliver_outbox() == mail.outbox
    assert [m.to for m in mail.outbox] == [["ann@example.com"]]
    message.refresh_from_db()
    assert (message.state, message.attempts, message.sent_at is not None) == ("sent", 1, True)
    assert mail.outbox[0].extra_headers["Message-ID"] == outbox.message_id(message)


def test_two_workers_claiming_one_row_only_one_wins(soon):
    register(make_user(), soon)
    pk = Message.objects.get().pk
    assert outbox.claim(pk) is True
    assert outbox.claim(pk) is False
    assert outbox.claim_due() == []


def test_a_failed_send_is_retried_later_with_backoff(soon, settings):
    settings.EMAIL_BACKEND = "tests.schedule.test_outbox.BrokenBackend"
    register(make_user(), soon)
    now = timezone.now()
    assert outbox.deliver_due(now) == 1
    message = Message.objects.get()
    assert message.state == State.PENDING
    assert message.attempts == 1
    assert "mail server down" in message.last_error
    assert message.send_after == now + dt.timedelta(minutes=1)
    # Not due again before its time.
    assert outbox.deliver_due(now + dt.timedelta(seconds=30)) == 0
    outbox.deliver_due(now + dt.timedelta(minutes=1))
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.send_after == now + dt.timedelta(minutes=1) + dt.timedelta(minutes=2)


def test_after_the_last_attempt_the_row_is_failed_and_can_be_retried(soon, settings):
    settings.EMAIL_BACKEND = "tests.schedule.test_outbox.BrokenBackend"
    settings.OUTBOX_MAX_ATTEMPTS = 2
    register(make_user("ann@example.com"), soon)
    later = timezone.now() + dt.timedelta(hours=1)
    outbox.deliver_due(later)
    outbox.deliver_due(later + dt.timedelta(hours=1))
    message = Message.objects.get()
    assert (message.state, message.attempts) == ("failed", 2)
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert outbox.retry(Message.objects.all()) == 1
    assert outbox.deliver_due() == 1
    message.refresh_from_db()
    assert message.state == State.SENT
    assert [m.to for m in mail.outbox] == [["ann@example.com"]]


def test_a_worker_killed_mid_send_is_not_doubled_and_sent_after_the_lease(soon, settings):
    settings.OUTBOX_LEASE_SECONDS = 300
    register(make_user("ann@example.com"), soon)
    now = timezone.now()
    # A worker claimed the row and died before marking it.
    assert outbox.claim_due(now) == [Message.objects.get().pk]
    # Within the lease, other workers leave it alone: no second copy.
    assert outbox.release_stale(now + dt.timedelta(seconds=299)) == 0
    assert outbox.deliver_due(now + dt.timedelta(seconds=299)) == 0
    # After the lease it goes out once.
    later = now + dt.timedelta(seconds=301)
    assert outbox.release_stale(later) == 1
    assert outbox.deliver_due(later) == 1
    assert outbox.deliver_due(later) == 0
    assert outbox.release_stale(later + dt.timedelta(hours=1)) == 0
    assert [m.to for m in mail.outbox] == [["ann@example.com"]]
    message = Message.objects.get()
    assert (message.state, message.attempts) == ("sent", 2)


def test_the_late_worker_cannot_mark_a_row_it_no_longer_holds(soon):
    register(make_user(), soon)
    now = timezone.now()
    outbox.claim_due(now)
    stale = Message.objects.get()
    outbox.release_stale(now + dt.timedelta(hours=1))
    outbox.deliver_due(now + dt.timedelta(hours=1))
    # The first worker wakes up and reports its (unfinished) attempt: ignored.
    outbox._mark(stale, state=State.FAILED)
    assert Message.objects.get().state == State.SENT


def test_a_mail_that_no_longer_applies_is_dropped(soon):
    user = make_user()
    register(user, soon)
    Registration.objects.filter(user=user).update(status=Registration.Status.CANCELLED)
    outbox.deliver_due()
    message = Message.objects.get()
    assert message.state == State.DROPPED
    assert "registration has changed" in message.last_error
    assert mail.outbox == []


def test_sign_up_mail_goes_through_the_outbox(client, deliver_outbox):
    client.post(
        "/accounts/signup/",
        {
            "email": "new@example.com",
            "password1": "pw-Long-enough-42",
            "password2": "pw-Long-enough-42",
        },
    )
    (message,) = Message.objects.all()
    assert (message.kind, message.state, message.to) == ("account", "pending", "new@example.com")
    assert mail.outbox == []
    (sent,) = deliver_outbox()
    assert sent.to == ["new@example.com"]
    assert "/accounts/confirm-email/" in sent.body


def test_on_commit_wakes_the_worker_task(soon, huey_immediate, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(make_user("ann@example.com"), soon)
    assert Message.objects.get().state == State.SENT
    assert [m.to for m in mail.outbox] == [["ann@example.com"]]


# --- a mail server that accepts connections and never answers ------------------


@pytest.fixture
def silent_smtp_server():
    """127.0.0.1:<port> accepts TCP connections and never says a word; ``.held`` lists
    the connections it accepted."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held, stop = [], threading.Event()

    def accept():
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                conn, _ = server.accept()
                held.append(conn)
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield SimpleNamespace(port=server.getsockname()[1], held=held)
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()


def test_registering_never_waits_for_a_silent_mail_server(
    client, soon, settings, silent_smtp_server
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", silent_smtp_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 1
    client.force_login(make_user("ann@example.com"))
    response = client.post(reverse("schedule:event-register", args=[soon.slug]))
    assert response.status_code == 302
    assert Message.objects.get().state == State.PENDING
    time.sleep(0.5)  # time for the server to take a connection, had the request made one
    assert silent_smtp_server.held == [], "the request itself talked to the mail server"
    # The worker's attempt times out after EMAIL_TIMEOUT and is retried later.
    outbox.deliver_due()
    assert silent_smtp_server.held, "the worker tried the mail server"
    message = Message.objects.get()
    assert (message.state, message.attempts) == ("pending", 1)
    assert "timed out" in message.last_error
    # The server recovers: the mail goes out.
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    outbox.deliver_due(message.send_after)
    assert [m.to for m in mail.outbox] == [["ann@example.com"]]
