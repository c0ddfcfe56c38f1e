"""Registering for an event, cancelling, and promoting from the waitlist.

The rules live here and nowhere else; views, the admin and the shell call these
functions. Capacity is exact under concurrency on PostgreSQL: each event keeps a
counter of confirmed places (``Event.places_taken``). Registering takes a place
with one conditional UPDATE of that counter, which also locks the event row until
the transaction commits, and inserts the registration in the same transaction;
cancelling and promoting lock the event row, count the confirmed rows and store
the count, so changes made around these functions are corrected too. (SQLite has
no row locks; it serialises writers on the whole database instead.)
`manage.py check_places` compares the counters with the rows.

Confirmation, waitlist and promotion mails are outbox rows written in the same
transaction (``outbox.py``): never sent for a registration that was rolled back,
and never sent inside the request.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import outbox
from .lock_timing import LockTimer
from .models import Event, Message, Registration

Status = Registration.Status
UNDO_MINUTES = 10
UNDO_WINDOW = dt.timedelta(minutes=UNDO_MINUTES)


class RegistrationError(Exception):
    """Registration refused; ``str(error)`` is the message for the person."""


class RegistrationClosed(RegistrationError):
    pass


class VerificationRequired(RegistrationError):
    pass


@dataclass
class RegistrationResult:
    registration: Registration
    changed: bool
    promoted: list[Registration] = field(default_factory=list)
    position: int | None = None

    @property
    def status(self):
        return self.registration.status


def _locked_event(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


class _AlreadyRegistered(Exception):
    """Another request of the same person registered first; roll this one back."""


def register(user, event: Event, *, now=None) -> RegistrationResult:
    """Register ``user`` for ``event``: confirmed if a place is free, else waitlisted.

    Idempotent: an active registration is returned unchanged, also when the same
    person registers twice at once (a double click, a retry, a second tab): the
    unique constraint on (user, event) rolls the second attempt back, its place
    included. A cancelled registration is reused and goes to the back of the queue.
    Raises ``VerificationRequired`` or ``RegistrationClosed`` with a message.

    The hot path is one conditional UPDATE of the event's ``places_taken`` counter,
    which takes a place and locks the event row until the commit, then the INSERT.
    Only when the counter says full is the row locked to look again, so that a
    cancellation promoting the waitlist and this waitlisting happen one after the
    other. A waitlisted result carries its ``position`` (1 = next in line).
    """
    at = now or timezone.now()
    if not user.email_verified:
        raise VerificationRequired(_("Verify your e-mail address to register."))
    registration = Registration.objects.filter(user=user, event=event).first()
    if registration is not None and registration.status != Status.CANCELLED:
        return _result(registration, changed=False)
    if not event.registration_is_open(at):
        raise RegistrationClosed(event.registration_closed_message(at))
    timer = LockTimer()
    try:
        with transaction.atomic():
            timer.waiting()
            status = _take_place(event)
            timer.locked()
            # Taken under the lock: the waitlist's order is the order places were asked for.
            registered_at = now or timezone.now()
            if registration is None:
                registration = Registration.objects.create(
                    user=user, event=event, status=status, created_at=registered_at
                )
            else:
                reused = Registration.objects.filter(
                    pk=registration.pk, status=Status.CANCELLED
                ).update(
                    status=status,
                    created_at=registered_at,
                    cancelled_at=None,
                    updated_at=timezone.now(),
                )
                if not reused:
                    raise _AlreadyRegistered
                registration.status, registration.created_at = status, registered_at
            _queue_mail(registration)
    except (IntegrityError, _AlreadyRegistered):
        return _result(Registration.objects.get(user=user, event=event), changed=False)
    timer.finish(status)
    return _result(registration, changed=True)


def _result(registration: Registration, *, changed: bool) -> RegistrationResult:
    return RegistrationResult(
        registration, changed=changed, position=registration.waitlist_position()
    )


def _take_place(event: Event) -> str:
    """Inside a transaction: take a place for one person, or say they wait."""
    taken = F("places_taken") + 1
    if Event.objects.filter(pk=event.pk).with_free_place().update(places_taken=taken):
        return Status.CONFIRMED
    # Full a moment ago; a cancellation may have freed a place since.
    if _locked_event(event).free_places() != 0:
        Event.objects.filter(pk=event.pk).update(places_taken=taken)
        return Status.CONFIRMED
    return Status.WAITLISTED


def cancel(user, event: Event, *, now=None) -> RegistrationResult | None:
    """Cancel ``user``'s registration; a freed place goes to the oldest waitlisted.

    Idempotent: returns None when there was nothing to cancel.
    """
    now = now or timezone.now()
    with transaction.atomic():
        event = _locked_event(event)
        registration = Registration.objects.filter(user=user, event=event).first()
        if registration is None or registration.status == Status.CANCELLED:
            return None
        if event.is_past(now):
            raise RegistrationClosed(_("This event has ended; there is nothing to cancel."))
        was_confirmed = registration.status == Status.CONFIRMED
        registration.status_before_cancel = registration.status
        registration.status = Status.CANCELLED
        registration.cancelled_at = now
        registration.save(
            update_fields=["status", "status_before_cancel", "cancelled_at", "updated_at"]
        )
        promoted = promote_waitlisted(event, now=now) if was_confirmed else []
    return RegistrationResult(registration, changed=True, promoted=promoted)


class UndoExpired(RegistrationError):
    pass


def undo_deadline(registration: Registration):
    """Until when a cancellation can be undone, or None when it cannot (any more)."""
    if registration.status != Status.CANCELLED or registration.cancelled_at is None:
        return None
    return registration.cancelled_at + UNDO_WINDOW


def can_undo(registration: Registration | None, *, now=None) -> bool:
    if registration is None:
        return False
    deadline = undo_deadline(registration)
    return deadline is not None and (now or timezone.now()) <= deadline


def undo_cancel(user, event: Event, *, now=None) -> RegistrationResult:
    """Take back a cancellation made less than ``UNDO_WINDOW`` ago.

    A confirmed place comes back when one is still free; when the place went to
    someone on the waitlist meanwhile, the person joins the back of the waitlist
    (``status`` tells which). A waitlisted person gets their old position back.
    Raises ``UndoExpired`` (too late, or nothing to undo) or ``RegistrationClosed``
    (the event has ended), with a message for the person.
    """
    now = now or timezone.now()
    with transaction.atomic():
        event = _locked_event(event)
        registration = Registration.objects.filter(user=user, event=event).first()
        if registration is not None and registration.status != Status.CANCELLED:
            return RegistrationResult(registration, changed=False)
        if not can_undo(registration, now=now):
            raise UndoExpired(
                ngettext(
                    "A cancellation can be undone for %(minutes)s minute only. "
                    "Register again instead.",
                    "A cancellation can be undone for %(minutes)s minutes only. "
                    "Register again instead.",
                    UNDO_MINUTES,
                )
                % {"minutes": UNDO_MINUTES}
            )
        if event.is_past(now):
            raise RegistrationClosed(_("This event has ended; there is nothing to undo."))
        was_confirmed = registration.status_before_cancel == Status.CONFIRMED
        if event.free_places() != 0:
            registration.status = Status.CONFIRMED
            Event.objects.filter(pk=event.pk).update(places_taken=F("places_taken") + 1)
            if not was_confirmed:
                _queue_mail(registration, promoted=True)
        else:
            registration.status = Status.WAITLISTED
            if was_confirmed:
                # The place went to the waitlist meanwhile: back of the queue.
                registration.created_at = now
        registration.cancelled_at = None
        registration.status_before_cancel = ""
        registration.save(
            update_fields=[
                "status",
                "created_at",
                "cancelled_at",
                "status_before_cancel",
                "updated_at",
            ]
        )
    return RegistrationResult(registration, changed=True)


def promote_waitlisted(event: Event, *, now=None) -> list[Registration]:
    """Fill free places from the waitlist, oldest first; e-mail each promoted person.

    Call it after anything that frees places (a cancellation, a larger capacity
    set in the admin). Returns the promoted registrations.
    """
    now = now or timezone.now()
    promoted = []
    with transaction.atomic():
        event = _locked_event(event)
        # Count the rows while no one can take a place: this also corrects the
        # counter after changes that bypass these functions (the admin, a deletion).
        event.places_taken = event.registrations.confirmed().count()
        if event.is_past(now):
            Event.objects.filter(pk=event.pk).update(places_taken=event.places_taken)
            return []
        free = event.free_places()
        waiting = event.registrations.waitlisted().select_related("user", "event")
        waiting = waiting.order_by("created_at", "pk")
        if free is not None:
            waiting = waiting[:free]
        for registration in waiting:
            registration.status = Status.CONFIRMED
            registration.save(update_fields=["status", "updated_at"])
            promoted.append(registration)
            _queue_mail(registration, promoted=True)
        event.places_taken += len(promoted)
        Event.objects.filter(pk=event.pk).update(places_taken=event.places_taken)
    return promoted


def _queue_mail(registration: Registration, *, promoted=False):
    """The confirmation, promotion or waitlist mail, written in the caller's transaction.

    One per registration round: registering again after a cancellation is a new one.
    """
    if promoted:
        kind = Message.Kind.PROMOTED
    elif registration.status == Status.CONFIRMED:
        kind = Message.Kind.CONFIRMED
    else:
        kind = Message.Kind.WAITLISTED
    outbox.queue(
        kind,
        user=registration.user,
        event=registration.event,
        version=registration.created_at.isoformat(),
    )
