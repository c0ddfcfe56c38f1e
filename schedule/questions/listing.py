"""The question list of one talk as one viewer sees it: the context of its templates.

Used by the talk page, the poll fragment and the stage view. Queries, whatever the
number of questions: the questions with their askers, this viewer's votes, and
(for a signed-in person who manages a speaker profile) whether they speak in it.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import rules, versions
from .models import MAX_LENGTH, Question, QuestionVote

STAGE_TOP = 12


@dataclass(frozen=True)
class Item:
    """One question as this viewer sees it. Worked out here once, so that a list of
    hundreds renders with few template nodes per question."""

    question: Question
    id: str
    shown_name: str
    asked_by: str  # for organisers behind "Anonymous", else ""
    votes_label: str  # "3 votes"
    css: str  # modifier classes of the list item
    voted: bool
    may_vote: bool
    is_mine: bool
    may_change: bool


def _css(question) -> str:
    classes = []
    if question.is_pinned:
        classes.append("question--pinned")
    if question.is_answered:
        classes.append("question--answered")
    if question.is_hidden or not question.is_approved:
        classes.append("question--muted")
    return " ".join(classes)


def talk_map_key(event_slug: str, talk_slug: str) -> str:
    return f"question-talk:{event_slug}:{talk_slug}"


def list_url(talk, kind: str = "list") -> str:
    name = "schedule:talk-stage-list" if kind == "stage" else "schedule:question-list"
    path = reverse(name, kwargs={"slug": talk.event.slug, "talk": talk.slug})
    # The language in the URL: the poll never needs to load the user to choose it.
    return f"{path}?{settings.LANGUAGE_QUERY_PARAMETER}={translation.get_language()}"


def etag(talk_pk: int, version: versions.Version, request, kind: str, now=None) -> str:
    """Names one viewer's fragment: version, phase, person, language, list or stage."""
    person = request.session.get(SESSION_KEY, "0")
    phase = version.phase(now or timezone.now())
    language = translation.get_language()
    return f'W/"q{talk_pk}-{version.token}-{phase}-{person}-{language}-{kind}"'


def cached_etag(request, event_slug: str, talk_slug: str, kind: str) -> str | None:
    """The current ETag of this fragment from the cache alone, or None (no query)."""
    talk_pk = cache.get(talk_map_key(event_slug, talk_slug))
    if talk_pk is None:
        return None
    version = versions.current(talk_pk)
    return None if version is None else etag(talk_pk, version, request, kind)


def question_context(request, talk, *, kind="list", access=None, now=None) -> dict:
    """What ``includes/questions.html`` and the fragments need, and the fragment's ETag."""
    now = now or timezone.now()
    user = request.user
    opens, closes = rules.window(talk)
    version = versions.claim(talk, opens, closes)  # before reading the questions
    cache.set(talk_map_key(talk.event.slug, talk.slug), talk.pk, versions.TIMEOUT)
    found = rules.roles(user, talk)
    moderator, organiser = found.moderator, rules.sees_who_asked(found)
    part = rules.participation(user, talk, access=access, now=now)
    signed_in = user.is_authenticated
    questions = talk.questions.for_list()
    if not moderator:
        visible = Q(is_approved=True) | Q(author=user.pk) if signed_in else Q(is_approved=True)
        questions = questions.filter(visible, hidden_at__isnull=True)
    elif kind == "stage":
        questions = questions.filter(hidden_at__isnull=True)
    questions = list(questions)
    voted = set()
    if signed_in and questions:
        voted = set(
            QuestionVote.objects.filter(user=user, question__talk=talk).values_list(
                "question_id", flat=True
            )
        )
    items = []
    labels = {}
    for question in questions:
        question.talk = talk
        author = question.author
        # The display name only: never a part of the e-mail address.
        name = author.display_name or _("A participant")
        if question.is_anonymous:
            name = _("Anonymous")
        is_mine = signed_in and question.author_id == user.pk
        votes = question.votes
        if votes not in labels:
            labels[votes] = ngettext("%(n)s vote", "%(n)s votes", votes) % {"n": votes}
        items.append(
            Item(
                question=question,
                id=str(question.pk),
                shown_name=name,
                asked_by=str(author) if organiser and question.is_anonymous else "",
                votes_label=labels[votes],
                css=_css(question),
                voted=question.pk in voted,
                may_vote=part.may_take_part
                and question.is_approved
                and not question.is_hidden
                and not question.is_answered,
                is_mine=is_mine,
                may_change=is_mine and part.is_open and rules.may_change_own(user, question),
            )
        )
    context = {
        "talk": talk,
        "question_items": items,
        "question_count": sum(1 for item in items if item.question.is_approved),
        "questions_moderator": moderator,
        "questions_part": part,
        "question_max_length": MAX_LENGTH,
        "questions_etag": etag(talk.pk, version, request, kind, now),
        "questions_poll_url": list_url(talk, kind),
        "questions_stage_url": reverse(
            "schedule:talk-stage", kwargs={"slug": talk.event.slug, "talk": talk.slug}
        ),
    }
    if kind == "stage":
        open_items = [i for i in items if i.question.is_approved and not i.question.is_answered]
        context.update(
            stage_items=open_items[:STAGE_TOP],
            stage_waiting=[i for i in items if not i.question.is_approved],
            stage_answered=[i for i in items if i.question.is_answered][:5],
        )
    return context
