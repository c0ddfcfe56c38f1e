"""Who may see a room's join URL and join instructions: decided here, only here.

Every view, template and feed that could show private room details asks
``room_access()`` and shows them only when ``access.allowed`` is true. Templates
receive ``private_rooms`` (built by ``private_room_details()``) and never read
``room.join_url`` themselves. Views that render such details send
``Cache-Control: private`` (``private_response``), so a shared cache never keeps
one person's page for the next.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import wraps

from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _

from . import formats
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

    @property
    def is_registered(self) -> bool:
        """Holds a place or a waitlist spot (something to cancel)."""
        return self.registration is not None and self.registration.status in (
            Registration.Status.CONFIRMED,
            Registration.Status.WAITLISTED,
        )


@dataclass(frozen=True)
class PrivateRoomDetails:
    room: Room
    join_url: str
    join_instructions: str
    join_path: str = field(default="")


def has_verified_email(user) -> bool:
    """The user's login address is verified (``User.email_verified``, loaded with the user)."""
    return bool(getattr(user, "is_authenticated", False) and user.email_verified)


def registration_for(user, event: Event) -> Registration | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Registration.objects.filter(user=user, event=event).first()


def room_access(user, event: Event, *, registration=_MISSING, now=None) -> RoomAccess:
    """May ``user`` see the private details of ``event``'s rooms right now?

    All must hold: signed in, e-mail verified, a confirmed registration for the
    event, and the reveal time (``access_reveal_minutes`` before the start) has
    come. ``registration`` may be passed when the caller already loaded it (None
    for "no registration"), saving a query.
    """
    now = now or timezone.now()
    if not getattr(user, "is_authenticated", False):
        return RoomAccess(
            ANONYMOUS,
            _("Register to get the invite: sign up or sign in first, it takes two minutes."),
        )
    if not has_verified_email(user):
        return RoomAccess(
            UNVERIFIED,
            _(
                "Verify your e-mail address to register and get the invite. "
                "Follow the link in the mail we sent you."
            ),
        )
    if registration is _MISSING:
        registration = registration_for(user, event)
    if registration is None:
        return RoomAccess(NOT_REGISTERED, _("Register to get the invite."))
    if registration.status == Registration.Status.WAITLISTED:
        return RoomAccess(
            WAITLISTED,
            _(
                "You are on the waitlist. If a place frees up you get it automatically "
                "and we e-mail you."
            ),
            registration,
        )
    if registration.status == Registration.Status.CANCELLED:
        return RoomAccess(
            CANCELLED,
            _("You cancelled your registration. Register again to get the invite."),
            registration,
        )
    reveal_at = event.reveal_at
    if reveal_at is not None and now < reveal_at:
        return RoomAccess(
            NOT_YET,
            _("You are registered. The link appears %(before)s before the start.")
            % {"before": formats.duration(event.access_reveal_minutes)},
            registration,
            reveal_at,
        )
    return RoomAccess(ALLOWED, _("You are registered. Join the room:"), registration, reveal_at)


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


def access_context(request, event: Event, rooms=None, *, now=None) -> dict:
    """Template context for ``includes/join_panel.html``.

    ``access``, ``registration`` and ``private_rooms`` come from the rules above;
    ``registration_open``, ``event_is_past``, ``places_left`` (None: no limit)
    and ``event_path`` tell the panel which action to offer. Templates never read
    a room's private fields. The view must also send the response through
    ``private_response``.
    """
    now = now or timezone.now()
    access = room_access(request.user, event, now=now)
    if rooms is None:
        rooms = event.rooms.all() if access.allowed else []
    return {
        "access": access,
        "registration": access.registration,
        "private_rooms": private_room_details(access, rooms),
        "registration_open": event.registration_is_open(now),
        "registration_closed_message": event.registration_closed_message(now),
        "event_is_past": event.is_past(now),
        "event_path": event.get_absolute_url(),
        "places_left": None if access.is_registered else event.free_places(),
        "reveal_label": formats.moment(access.reveal_at, event.tzinfo) if access.reveal_at else "",
    }


def mark_private(response, *, no_store=False):
    """Keep a response that may carry private details out of shared caches."""
    if no_store:
        patch_cache_control(response, private=True, no_cache=True, no_store=True, max_age=0)
    else:
        patch_cache_control(response, private=True)
    patch_vary_headers(response, ["Cookie"])
    return response


def private_response(view=None, *, no_store=False):
    """View decorator: ``Cache-Control: private`` (and ``no-store`` if asked).

    Use it on every view whose page can include the join panel or other private
    details, function or ``as_view()`` alike.
    """

    def decorator(view_func):
        @wraps(view_func)
        def wrapped(request, *args, **kwargs):
            return mark_private(view_func(request, *args, **kwargs), no_store=no_store)

        return wrapped

    if view is not None:
        return decorator(view)
    return decorator
