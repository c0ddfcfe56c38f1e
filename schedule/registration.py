"""Registering for an event, cancelling, and promoting from the waitlist.

The rules live here and nowhere else; views, the admin and the shell call these
functions. Capacity is exact under concurrency on PostgreSQL: every change locks
the event row (``select_for_update``) inside one transaction and counts the
confirmed registrations while holding the lock, so simultaneous requests are
served one after the other. (SQLite has no row locks; it serialises writers on
the whole database instead.)

Confirmation, waitlist and promotion mails are outbox rows written in the same
transaction (``outbox.py``): never sent for a registration that was rolled back,
and never sent inside the request.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from . import outbox
from .models import Event, Message, Registration

Status = Registration.Status


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

    @property
    def status(self):
        return self.registration.status


def _locked_event(event: Event) -> Event:
    return Event.objects.select_for_update().get(pk=event.pk)


def register(user, event: Event, *, now=None) -> RegistrationResult:
    """Register ``user`` for ``event``: confirmed if a place is free, else waitlisted.

    Idempotent: an active registration is returned unchanged. A cancelled one is
    reused and goes to the back of the queue. Raises ``VerificationRequired`` or
    ``RegistrationClosed`` with a message for the person.
    """
    now = now or timezone.now()
    if not user.email_verified:
        raise VerificationRequired(_("Verify your e-mail address to register."))
    with transaction.atomic():
        event = _locked_event(event)
        registration = Registration.objects.filter(user=user, event=event).first()
        if registration is not None and registration.status != Status.CANCELLED:
            return RegistrationResult(registration, changed=False)
        if not event.registration_is_open(now):
            raise RegistrationClosed(event.registration_closed_message(now))
        status = Status.CONFIRMED if event.free_places() != 0 else Status.WAITLISTED
        if registration is None:
            try:
                with transaction.atomic():
                    registration = Registration.objects.create(
                        user=user, event=event, status=status, created_at=now
                    )
            except IntegrityError:
                # Only without a row lock (SQLite): the same person twice at once.
                registration = Registration.objects.get(user=user, event=event)
                return RegistrationResult(registration, changed=False)
        else:
            registration.status = status
            registration.created_at = now
            registration.save(update_fields=["status", "created_at", "updated_at"])
        _queue_mail(registration)
    return RegistrationResult(registration, changed=True)


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
        registration.status = Status.CANCELLED
        registration.save(update_fields=["status", "updated_at"])
        promoted = promote_waitlisted(event, now=now) if was_confirmed else []
    return RegistrationResult(registration, changed=True, promoted=promoted)


def promote_waitlisted(event: Event, *, now=None) -> list[Registration]:
    """Fill free places from the waitlist, oldest first; e-mail each promoted person.

    Call it after anything that frees places (a cancellation, a larger capacity
    set in the admin). Returns the promoted registrations.
    """
    now = now or timezone.now()
    promoted = []
    with transaction.atomic():
        event = _locked_event(event)
        if event.is_past(now):
            return []
        free = event.free_places()
        if free == 0:
            return []
        waiting = event.registrations.waitlisted().select_related("user", "event")
        waiting = waiting.order_by("created_at", "pk")
        if free is not None:
            waiting = waiting[:free]
        for registration in waiting:
            registration.status = Status.CONFIRMED
            registration.save(update_fields=["status", "updated_at"])
            promoted.append(registration)
            _queue_mail(registration, promoted=True)
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
