"""Who may ask, vote, edit and moderate questions: decided here, only here.

Asking and voting follow the one access rule (``schedule.access.room_access``):
signed in, e-mail verified, a confirmed registration for the event. The reveal
time of the join links does not matter: a confirmed person may ask before it.
Questions open when the event's registration opens and close at the talk's end
plus its live-Q&A minutes. Moderators are the talk's speakers (``Speaker.user``)
and the event's organisers (``is_event_organiser``).
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from .. import formats, teams
from ..access import (
    ALLOWED,
    ANONYMOUS,
    CANCELLED,
    NOT_REGISTERED,
    NOT_YET,
    UNVERIFIED,
    WAITLISTED,
    RoomAccess,
    room_access,
)
from ..models import TalkSpeaker

SOON, OPEN, CLOSED = "soon", "open", "closed"

# Confirmed people: the join links may still be hidden (NOT_YET), asking is not.
MAY_TAKE_PART = frozenset({ALLOWED, NOT_YET})


def is_event_organiser(user, event) -> bool:
    """``user`` organises ``event``: the one place that says so for questions.

    A superuser, or a staff member on the event's team (``schedule.teams``). Team
    members work in the back office, which needs staff status; checking that first
    spares everyone else the query.
    """
    if not (getattr(user, "is_authenticated", False) and user.is_staff):
        return False
    if teams.sees_everything(user):
        return True
    return teams.events_for(user).filter(pk=event.pk).exists()


def is_talk_speaker(user, talk) -> bool:
    """``user`` manages the profile of one of ``talk``'s speakers (one indexed query)."""
    if not getattr(user, "is_authenticated", False):
        return False
    # The request's user arrives with ``is_speaker`` (accounts.backends): most are not.
    if not getattr(user, "is_speaker", True):
        return False
    return TalkSpeaker.objects.filter(talk=talk, speaker__user=user).exists()


@dataclass(frozen=True)
class Roles:
    organiser: bool
    speaker: bool

    @property
    def moderator(self) -> bool:
        return self.organiser or self.speaker


def roles(user, talk) -> Roles:
    """What ``user`` is for ``talk``'s questions (at most two queries, none for most)."""
    return Roles(is_event_organiser(user, talk.event), is_talk_speaker(user, talk))


def can_moderate(user, talk) -> bool:
    """Hide, pin, approve and mark answered: the talk's speakers and the event's organisers."""
    return is_event_organiser(user, talk.event) or is_talk_speaker(user, talk)


def window(talk) -> tuple[dt.datetime | None, dt.datetime]:
    """(opens, closes) of ``talk``'s questions; opens None: since the event was published."""
    opens, _closes = talk.event.registration_window()
    return opens, talk.qa_end


def phase(talk, now=None) -> str:
    now = now or timezone.now()
    opens, closes = window(talk)
    if opens is not None and now < opens:
        return SOON
    return OPEN if now < closes else CLOSED


def _refusal_for_access(reason: str) -> str:
    return {
        ANONYMOUS: _("Sign in and register for the event to ask and vote."),
        UNVERIFIED: _("Verify your e-mail address, then register for the event to ask and vote."),
        NOT_REGISTERED: _("Register for the event to ask and vote."),
        WAITLISTED: _("You are on the waitlist: people with a place ask and vote."),
        CANCELLED: _("You cancelled your registration: register again to ask and vote."),
    }.get(reason, _("You cannot ask or vote here."))


@dataclass(frozen=True)
class Participation:
    """What one person may do with one talk's questions right now, and why not."""

    phase: str
    may_take_part: bool  # ask and vote
    message: str  # why not, "" when they may
    access_reason: str

    @property
    def is_open(self) -> bool:
        return self.phase == OPEN


def participation(user, talk, *, access: RoomAccess | None = None, now=None) -> Participation:
    """May ``user`` ask and vote on ``talk``'s questions? Pass ``access`` when known."""
    now = now or timezone.now()
    current = phase(talk, now)
    if current == OPEN and not talk.is_cancelled and access is None:
        access = room_access(user, talk.event, now=now)
    reason = access.reason if access is not None else ""
    if talk.is_cancelled:
        message = _("This talk is cancelled: it takes no questions.")
    elif current == SOON:
        opens, _closes = window(talk)
        message = _("Questions open with the registration, on %(moment)s.") % {
            "moment": formats.moment(opens, talk.event.tzinfo)
        }
    elif current == CLOSED:
        message = _("Questions are closed: the live Q&A of this talk has ended.")
    elif reason not in MAY_TAKE_PART:
        message = _refusal_for_access(reason)
    else:
        message = ""
    return Participation(current, not message, message, reason)


def may_change_own(user, question) -> bool:
    """The asker edits or withdraws their question until it is answered."""
    return (
        getattr(user, "is_authenticated", False)
        and question.author_id == user.pk
        and not question.is_answered
    )


def sees_who_asked(found: Roles) -> bool:
    """Organisers see the name behind "Anonymous"; speakers and the audience do not."""
    return found.organiser
