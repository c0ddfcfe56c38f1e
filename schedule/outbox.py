"""The outbox: every mail is a ``Message`` row, delivered later by the huey worker.

Writing. ``queue()`` writes the row in the caller's transaction (a registration
and its confirmation commit or roll back together) and, once the transaction has
committed, asks the worker to deliver it (``transaction.on_commit``). A request
never talks to the mail server. The row's ``key`` (person, event or talk, kind,
version) is unique: writing the same mail twice leaves one row.

Delivering. A worker first *claims* a row: one conditional ``UPDATE ... SET
state='sending' WHERE state='pending'`` per row, so of two workers exactly one
wins; batches are picked with ``SELECT ... FOR UPDATE SKIP LOCKED`` on PostgreSQL
so concurrent workers take different rows without waiting on each other. The
mail is built from the database as it is *now* (a reminder for someone who has
since cancelled is dropped, not sent), handed to the mail server, and the row
marked ``sent``. A failure puts the row back to ``pending`` with a later
``send_after`` (1, 2, 4 ... 60 minutes); after ``OUTBOX_MAX_ATTEMPTS`` it is
``failed`` and an organiser can retry it from the admin.

At least once, not at most once. A worker that dies between claiming a row and
marking it sent leaves it ``sending``; after ``OUTBOX_LEASE_SECONDS`` the minute
sweep puts it back to ``pending`` and another worker sends it. The only window
for a second copy is a worker killed after the mail server accepted the mail and
before the row was marked (milliseconds); we prefer that to a reminder with the
join link that never arrives. Every copy carries the same ``Message-ID``
(derived from the key), so mail systems can recognise it as one message.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from urllib.parse import urlsplit

from django.conf import settings
from django.core import mail
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from huey.contrib.djhuey import db_task

from . import outbox_mails
from .emails import mail_language
from .models import Message

logger = logging.getLogger(__name__)

State = Message.State
Kind = Message.Kind
BATCH_SIZE = 200


def person_of(user=None, to="") -> str:
    return f"user:{user.pk}" if user is not None else to


def queue(
    kind,
    *,
    user=None,
    to="",
    event=None,
    talk=None,
    version="",
    payload=None,
    send_after=None,
) -> Message | None:
    """Write one mail in the current transaction; None when it was already written."""
    to = to or user.email
    key = Message.make_key(
        kind, person=person_of(user, to), event=event, talk=talk, version=str(version)
    )
    send_after = send_after or timezone.now()
    try:
        with transaction.atomic():
            message = Message.objects.create(
                key=key,
                kind=kind,
                user=user,
                to=to,
                event=event,
                talk=talk,
                version=str(version),
                payload=payload or {},
                send_after=send_after,
            )
    except IntegrityError:
        return None
    transaction.on_commit(lambda: wake(message.pk, send_after), robust=True)
    return message


def queue_many(messages: list[Message]) -> int:
    """Write many prepared rows at once (keys already set); existing keys are skipped.

    Returns how many rows were new. The worker is woken after the commit.
    """
    if not messages:
        return 0
    keys = [message.key for message in messages]
    before = Message.objects.filter(key__in=keys).count()
    Message.objects.bulk_create(messages, batch_size=500, ignore_conflicts=True)
    written = Message.objects.filter(key__in=keys).count() - before
    if written:
        transaction.on_commit(lambda: deliver_due_task(), robust=True)
    return written


def queue_email(email: mail.EmailMessage, *, kind=Kind.ACCOUNT, user=None) -> list[Message]:
    """Put an already rendered mail (allauth's) into the outbox, one row per recipient."""
    html = ""
    for content, mimetype in getattr(email, "alternatives", []):
        if mimetype == "text/html":
            html = content
    payload = {
        "subject": email.subject,
        "body": email.body,
        "html": html,
        "from_email": email.from_email,
        "headers": dict(email.extra_headers),
    }
    version = hashlib.sha256(f"{timezone.now().isoformat()}{email.body}".encode()).hexdigest()
    written = []
    for address in email.to:
        message = queue(kind, user=user, to=address, version=version[:32], payload=payload)
        if message is not None:
            written.append(message)
    return written


def wake(pk: int, send_after: dt.datetime | None = None) -> None:
    """Ask a worker to deliver row ``pk`` (at ``send_after``)."""
    if send_after is not None and send_after > timezone.now():
        deliver_message.schedule((pk,), eta=send_after)
    else:
        deliver_message(pk)


# ---------------------------------------------------------------------------
# Claiming


def claim(pk: int, now=None) -> bool:
    """Take row ``pk`` for sending; False when another worker has it or it is not due."""
    now = now or timezone.now()
    claimed = Message.objects.filter(pk=pk, state=State.PENDING, send_after__lte=now).update(
        state=State.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    return claimed == 1


def claim_due(now=None, limit=BATCH_SIZE) -> list[int]:
    """Take up to ``limit`` due rows for this worker; returns their ids."""
    now = now or timezone.now()
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            ids = list(
                Message.objects.due(now)
                .select_for_update(skip_locked=True)
                .values_list("pk", flat=True)[:limit]
            )
            Message.objects.filter(pk__in=ids).update(
                state=State.SENDING, claimed_at=now, attempts=F("attempts") + 1
            )
        return ids
    candidates = Message.objects.due(now).values_list("pk", flat=True)[:limit]
    return [pk for pk in list(candidates) if claim(pk, now)]


def release_stale(now=None) -> int:
    """Rows left ``sending`` by a worker that stopped: back to ``pending`` (see above)."""
    now = now or timezone.now()
    lease = dt.timedelta(seconds=settings.OUTBOX_LEASE_SECONDS)
    released = Message.objects.filter(state=State.SENDING, claimed_at__lt=now - lease).update(
        state=State.PENDING,
        send_after=now,
        last_error="The worker stopped while sending; sent again.",
    )
    if released:
        logger.warning("outbox: %s mail(s) left sending by a stopped worker, retrying", released)
    return released


def retry(queryset, now=None) -> int:
    """Failed rows back to ``pending``, due now, with a fresh set of attempts."""
    now = now or timezone.now()
    ids = list(queryset.filter(state=State.FAILED).values_list("pk", flat=True))
    Message.objects.filter(pk__in=ids, state=State.FAILED).update(
        state=State.PENDING, attempts=0, send_after=now
    )
    for pk in ids:
        transaction.on_commit(lambda pk=pk: wake(pk), robust=True)
    return len(ids)


# ---------------------------------------------------------------------------
# Sending


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8 ... minutes after the ``attempts``-th failure, at most an hour."""
    return dt.timedelta(minutes=min(2 ** max(attempts - 1, 0), 60))


def message_id(message: Message) -> str:
    host = urlsplit(settings.SITE_URL).hostname or "eventsite.invalid"
    return f"<{hashlib.sha256(message.key.encode()).hexdigest()[:40]}@{host}>"


def build(message: Message, now) -> mail.EmailMessage:
    """The mail for ``message`` as of ``now``; raises ``outbox_mails.NotApplicable``."""
    if message.kind in (Kind.ACCOUNT, Kind.NOTICE):  # rendered when written
        email = outbox_mails.stored_mail(message)
    else:
        with translation.override(mail_language(message.user)):
            email = outbox_mails.BUILDERS[message.kind](message, now)
    email.extra_headers["Message-ID"] = message_id(message)
    return email


def _mark(message: Message, **fields) -> None:
    """Update a row this worker holds (still ``sending`` under this claim)."""
    Message.objects.filter(
        pk=message.pk, state=State.SENDING, claimed_at=message.claimed_at
    ).update(**fields)


def send_claimed(message: Message, now=None, smtp=None) -> str:
    """Build and send a row this worker has claimed; returns the new state."""
    now = now or timezone.now()
    try:
        email = build(message, now)
    except outbox_mails.NotApplicable as reason:
        _mark(message, state=State.DROPPED, last_error=str(reason))
        return State.DROPPED
    except Exception as error:
        logger.exception("outbox: could not build mail %s", message.pk)
        return _failed(message, now, error)
    try:
        email.connection = smtp
        email.send()
    except Exception as error:
        logger.warning("outbox: sending mail %s to %s failed: %r", message.pk, message.to, error)
        return _failed(message, now, error)
    _mark(message, state=State.SENT, sent_at=timezone.now(), last_error="")
    return State.SENT


def _failed(message: Message, now, error) -> str:
    text = f"{type(error).__name__}: {error}"[:2000]
    if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
        _mark(message, state=State.FAILED, last_error=text)
        return State.FAILED
    send_after = now + backoff(message.attempts)
    _mark(message, state=State.PENDING, send_after=send_after, last_error=text)
    transaction.on_commit(lambda: wake(message.pk, send_after), robust=True)
    return State.PENDING


def _claimed_rows(ids):
    return Message.objects.filter(pk__in=ids, state=State.SENDING).select_related(
        "user", "event", "talk"
    )


def deliver(pk: int, now=None) -> str | None:
    """Claim and send one row; None when it was not ours to send."""
    now = now or timezone.now()
    if not claim(pk, now):
        return None
    (message,) = _claimed_rows([pk])
    return send_claimed(message, now)


def deliver_due(now=None, limit=BATCH_SIZE) -> int:
    """Claim up to ``limit`` due rows and send them over one mail-server connection.

    Returns how many were claimed (0: nothing was due).
    """
    now = now or timezone.now()
    ids = claim_due(now, limit)
    if not ids:
        return 0
    smtp = mail.get_connection()
    try:
        smtp.open()
    except Exception as error:
        logger.warning("outbox: cannot reach the mail server: %r", error)
        smtp = None
    try:
        messages = list(_claimed_rows(ids).order_by("send_after", "pk"))
        outbox_mails.prefetch(messages)
        for message in messages:
            if send_claimed(message, now, smtp) != State.SENT and smtp is not None:
                # The connection may be broken: the next mail opens a new one.
                smtp.close()
    finally:
        if smtp is not None:
            smtp.close()
    return len(ids)


def deliver_all_due(now=None, budget_seconds=50) -> int:
    """Send batches until nothing is due or the time budget is spent."""
    started = timezone.now()
    total = 0
    while (timezone.now() - started).total_seconds() < budget_seconds:
        count = deliver_due(now)
        total += count
        if count == 0:
            break
    return total


# ---------------------------------------------------------------------------
# Tasks (the periodic sweep is in tasks.py)


@db_task()
def deliver_message(pk: int) -> str | None:
    return deliver(pk)


@db_task()
def deliver_due_task() -> int:
    return deliver_all_due()
