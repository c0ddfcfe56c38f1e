"""Who may see a room's join URL and join instructions: decided here, only here.

Every view, template and feed that could show private room details asks
``room_access()`` and shows them only when ``access.allowed`` is true. Templates
receive ``private_rooms`` (built by ``private_room_details()``) and never read
``room.join_url`` themselves.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.utils import timezone

from .models import Event, Registration, Room

ANONYMOUS = "anonymous"
UNVERIFIED = "unverified"
NOT_REGISTERED = "not_registered"
WAITLISTED = "waitlisted"
CANCELLED = "cancelled"
NOT_YET = "not_yet"
ALLOWED = "allowed"

_MISSING = object()


@dataclass(frozen=True)
class RoomAccess:
    """The answer for one user and one event, with what to tell them."""

    reason: str
    message: str
    registration: Registration | None = None
    reveal_at: dt.datetime | None = None

    @property
    def allowed(self) -> bool:
        return self.reason == ALLOWED


@dataclass(frozen=True)
class PrivateRoomDetails:
    room: Room
    join_url: str
    join_instructions: str
    join_path: str = field(default="")


def has_verified_email(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    cached = getattr(user, "_eventsite_verified_email", None)
    if cached is None:
        cached = EmailAddress.objects.filter(
            user=user, email__iexact=user.email, verified=True
        ).exists()
        user._eventsite_verified_email = cached
    return cached


def registration_for(user, event: Event) -> Registration | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Registration.objects.filter(user=user, event=event).first()


def room_access(user, event: Event, *, registration=_MISSING, now=None) -> RoomAccess:
    """May ``user`` see the private details of ``event``'s rooms right now?

    ``registration`` may be passed when the caller already loaded it (None for
    "no registration"), saving a query.
    """
    now = now or timezone.now()
    if not getattr(user, "is_authenticated", False):
        return RoomAccess(ANONYMOUS, "Sign up and register to get the invite.")
    if not has_verified_email(user):
        return RoomAccess(UNVERIFIED, "Verify your e-mail address to register and get the invite.")
    if registration is _MISSING:
        registration = registration_for(user, event)
    if registration is None:
        return RoomAccess(NOT_REGISTERED, "Register to get the invite.")
    if registration.status == Registration.Status.WAITLISTED:
        return RoomAccess(
            WAITLISTED,
            "You are on the waitlist. If a place frees up you get it automatically "
            "and we e-mail you.",
            registration,
        )
    if registration.status == Registration.Status.CANCELLED:
        return RoomAccess(
            CANCELLED,
            "You cancelled your registration. Register again to get the invite.",
            registration,
        )
    reveal_at = event.reveal_at
    if now < reveal_at:
        minutes = event.access_reveal_minutes
        return RoomAccess(
            NOT_YET,
            f"You are registered. The link appears {minutes} minutes before the start.",
            registration,
            reveal_at,
        )
    return RoomAccess(ALLOWED, "You are registered. Join the room:", registration, reveal_at)


def private_room_details(access: RoomAccess, rooms) -> list[PrivateRoomDetails]:
    """The private details of ``rooms``, or an empty list when access is refused."""
    if not access.allowed:
        return []
    return [
        PrivateRoomDetails(
            room=room,
            join_url=room.join_url,
            join_instructions=room.join_instructions,
            join_path=room.get_join_path(),
        )
        for room in rooms
        if room.join_url or room.join_instructions
    ]


def access_context(request, event: Event, rooms=None) -> dict:
    """Template context for the join panel: ``access``, ``private_rooms``, ``registration``.

    Views pass this to templates; templates never read a room's private fields.
    """
    access = room_access(request.user, event)
    if rooms is None:
        rooms = event.rooms.all() if access.allowed else []
    return {
        "access": access,
        "registration": access.registration,
        "private_rooms": private_room_details(access, rooms),
    }
