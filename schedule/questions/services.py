"""Changes to questions and votes. Each checks its rule (``rules``), writes in one
transaction and bumps the talk's question version (``versions.bump``).

A refusal raises ``Refused`` with the message for the person and the HTTP status
a view answers with.
"""

import datetime as dt
import re

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.signals import pre_delete
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..models import Registration
from . import rules, versions
from .models import MAX_LENGTH, Question, QuestionVote

RATE_LIMIT = 5
RATE_WINDOW = dt.timedelta(minutes=10)
HIDE_REASON_LENGTH = 200


class Refused(Exception):
    def __init__(self, message: str, status: int = 403):
        super().__init__(message)
        self.message = message
        self.status = status


def normalised(text: str) -> str:
    """What two texts must share to count as the same question."""
    return re.sub(r"\s+", " ", text).strip().casefold()


def clean_text(text: str) -> str:
    text = (text or "").replace("\r\n", "\n").strip()
    if not text:
        raise Refused(_("Write your question first."), 400)
    if len(text) > MAX_LENGTH:
        raise Refused(
            _("A question has at most %(limit)s characters; yours has %(count)s.")
            % {"limit": MAX_LENGTH, "count": len(text)},
            400,
        )
    return text


def _require_participation(user, talk, now):
    allowed = rules.participation(user, talk, now=now)
    if not allowed.may_take_part:
        raise Refused(allowed.message, 403)


def _lock_person(user, event):
    """Serialise one person's asks on one event (their registration row), so two
    simultaneous requests cannot both pass the rate limit."""
    Registration.objects.select_for_update().filter(user=user, event=event).first()


def ask(user, talk, text: str, *, anonymous: bool = False, now=None) -> Question:
    now = now or timezone.now()
    text = clean_text(text)
    _require_participation(user, talk, now)
    with transaction.atomic():
        _lock_person(user, talk.event)
        mine = list(
            Question.objects.filter(talk=talk, author=user).values_list("text", "created_at")
        )
        recent = sum(1 for _text, created in mine if created > now - RATE_WINDOW)
        if recent >= RATE_LIMIT:
            raise Refused(
                ngettext(
                    "You asked %(count)s question in the last 10 minutes: "
                    "wait a few minutes before the next one.",
                    "You asked %(count)s questions in the last 10 minutes: "
                    "wait a few minutes before the next one.",
                    recent,
                )
                % {"count": recent},
                429,
            )
        if normalised(text) in {normalised(old) for old, _created in mine}:
            raise Refused(_("You have already asked this question."), 400)
        question = Question.objects.create(
            talk=talk,
            author=user,
            text=text,
            is_anonymous=anonymous,
            is_approved=not talk.event.questions_premoderated,
            created_at=now,
        )
        versions.bump(talk.pk)
    return question


def edit(user, question, text: str, *, anonymous: bool, now=None) -> Question:
    now = now or timezone.now()
    if not rules.may_change_own(user, question):
        raise Refused(_("Only the asker changes a question, and only until it is answered."))
    text = clean_text(text)
    _require_participation(user, question.talk, now)
    others = Question.objects.filter(talk=question.talk, author=user).exclude(pk=question.pk)
    if normalised(text) in {normalised(old) for old in others.values_list("text", flat=True)}:
        raise Refused(_("You have already asked this question."), 400)
    question.text, question.is_anonymous, question.edited_at = text, anonymous, now
    with transaction.atomic():
        question.save(update_fields=["text", "is_anonymous", "edited_at"])
        versions.bump(question.talk_id)
    return question


def withdraw(user, question) -> None:
    if not rules.may_change_own(user, question):
        raise Refused(_("Only the asker withdraws a question, and only until it is answered."))
    with transaction.atomic():
        question.delete()
        versions.bump(question.talk_id)


def set_vote(user, question, on: bool, *, now=None) -> bool:
    """Vote for ``question`` (``on``) or take the vote back; returns whether it changed.

    The vote row and the count change in one transaction, and the count moves only
    when a row was really inserted or deleted, so it cannot drift from the rows.
    """
    now = now or timezone.now()
    _require_participation(user, question.talk, now)
    if not question.is_approved or question.is_hidden:
        raise Refused(_("This question is not open for votes."), 400)
    with transaction.atomic():
        if on:
            try:
                with transaction.atomic():
                    QuestionVote.objects.create(question=question, user=user, created_at=now)
            except IntegrityError:
                return False  # already voted (perhaps in another request just now)
            change = 1
        else:
            deleted, _rows = QuestionVote.objects.filter(question=question, user=user).delete()
            if not deleted:
                return False
            change = -1
        Question.objects.filter(pk=question.pk).update(votes=F("votes") + change)
        versions.bump(question.talk_id)
    return True


def forget_votes_of(user) -> None:
    """``user`` is being deleted: take their votes off the counts before the rows go.

    Connected to the user model's ``pre_delete`` (``connect_signals``); the
    cascade then deletes the vote rows in the same transaction.
    """
    voted = Question.objects.filter(vote_rows__user=user)
    talk_pks = set(voted.values_list("talk_id", flat=True))
    if talk_pks:
        Question.objects.filter(pk__in=voted.values("pk")).update(votes=F("votes") - 1)
        for talk_pk in talk_pks:
            versions.bump(talk_pk)


def _user_deleting(sender, instance, **kwargs):
    forget_votes_of(instance)


def connect_signals() -> None:
    pre_delete.connect(
        _user_deleting, sender=settings.AUTH_USER_MODEL, dispatch_uid="questions-forget-votes"
    )


APPROVE, HIDE, SHOW, PIN, UNPIN, ANSWER, REOPEN = (
    "approve",
    "hide",
    "show",
    "pin",
    "unpin",
    "answer",
    "reopen",
)
MODERATION_ACTIONS = (APPROVE, HIDE, SHOW, PIN, UNPIN, ANSWER, REOPEN)


def moderate(user, question, action: str, *, reason: str = "", now=None) -> Question:
    """One moderator's action on ``question``; pinning one unpins the talk's other."""
    now = now or timezone.now()
    talk = question.talk
    if not rules.can_moderate(user, talk):
        raise Refused(_("Only the talk's speakers and the organisers moderate its questions."))
    if action not in MODERATION_ACTIONS:
        raise Refused(_("Unknown action."), 400)
    reason = (reason or "").strip()
    if len(reason) > HIDE_REASON_LENGTH:
        raise Refused(
            _("The reason has at most %(limit)s characters.") % {"limit": HIDE_REASON_LENGTH}, 400
        )
    fields = {
        APPROVE: {"is_approved": True},
        HIDE: {"hidden_at": now, "hidden_reason": reason, "is_pinned": False},
        SHOW: {"hidden_at": None, "hidden_reason": ""},
        PIN: {"is_pinned": True, "is_approved": True, "hidden_at": None},
        UNPIN: {"is_pinned": False},
        ANSWER: {"answered_at": question.answered_at or now, "is_pinned": False},
        REOPEN: {"answered_at": None},
    }[action]
    with transaction.atomic():
        if action == PIN:
            Question.objects.filter(talk=talk, is_pinned=True).exclude(pk=question.pk).update(
                is_pinned=False
            )
        for name, value in fields.items():
            setattr(question, name, value)
        question.save(update_fields=list(fields))
        versions.bump(talk.pk)
    return question
