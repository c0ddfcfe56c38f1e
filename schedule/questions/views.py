"""Asking, voting, editing and moderating questions; the poll fragment; the stage view.

The forms work without JavaScript: a POST answers with a redirect back and a
message, or, refused, with a page that says why and a 4xx status.
``static/js/questions.js`` sends the same forms with ``X-Questions: fragment`` and
then gets 204 or the refusal's text with its status, and it polls the fragment
with ``If-None-Match``.
"""

from django.contrib import messages
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.views import redirect_to_login
from django.core.cache import caches
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from ..access import private_response
from ..models import Event, Question
from ..views.redirects import redirect_to_next, safe_next
from . import listing, rules, services

FRAGMENT_HEADER = "X-Questions"
# How long the list for visitors who are not signed in is kept under one ETag.
SHARED_LIST_SECONDS = 300


def talk_for(request, slug, talk_slug):
    """The talk of a visible event, with its event and room; 404 when not public."""
    event = get_object_or_404(Event.objects.visible_to(request.user), slug=slug)
    talks = event.talks.visible_to(request.user).select_related("room")
    talk = get_object_or_404(talks, slug=talk_slug)
    talk.event = event
    return talk


def question_for(request, slug, talk_slug, pk):
    talk = talk_for(request, slug, talk_slug)
    question = get_object_or_404(Question.objects.filter(talk=talk), pk=pk)
    question.talk = talk
    return question


def wants_fragment(request) -> bool:
    return request.headers.get(FRAGMENT_HEADER) == "fragment"


def _talk_questions_url(talk) -> str:
    return f"{talk.get_absolute_url()}#questions"


def _done(request, talk, message):
    """A change went through: 204 for the script, else back to the page with a message."""
    if wants_fragment(request):
        return HttpResponse(status=204)
    if message:
        messages.success(request, message)
    return redirect_to_next(request, _talk_questions_url(talk))


def _refused(request, talk, refusal: services.Refused, *, form=None):
    if wants_fragment(request):
        return HttpResponse(
            refusal.message, status=refusal.status, content_type="text/plain; charset=utf-8"
        )
    context = {
        "talk": talk,
        "event": talk.event,
        "message": refusal.message,
        "form": form,
        "question_max_length": services.MAX_LENGTH,
        "back_url": safe_next(request, _talk_questions_url(talk)),
    }
    return render(request, "schedule/questions/refused.html", context, status=refusal.status)


def _anonymous(request, talk):
    if wants_fragment(request):
        return HttpResponse(
            _("Sign in to ask and vote."), status=403, content_type="text/plain; charset=utf-8"
        )
    return redirect_to_login(_talk_questions_url(talk))


def _checked(value) -> bool:
    return value in ("1", "on", "true", "yes")


@require_POST
@private_response(no_store=True)
def ask(request, slug, talk):
    talk = talk_for(request, slug, talk)
    if not request.user.is_authenticated:
        return _anonymous(request, talk)
    form = {
        "text": request.POST.get("text", ""),
        "anonymous": _checked(request.POST.get("anonymous")),
    }
    try:
        question = services.ask(request.user, talk, form["text"], anonymous=form["anonymous"])
    except services.Refused as refusal:
        return _refused(request, talk, refusal, form=form)
    if not question.is_approved:
        return _done(
            request, talk, _("Thank you: your question shows once a moderator approves it.")
        )
    return _done(request, talk, _("Thank you: your question is on the list."))


@require_POST
@private_response(no_store=True)
def vote(request, slug, talk, pk):
    question = question_for(request, slug, talk, pk)
    if not request.user.is_authenticated:
        return _anonymous(request, question.talk)
    on = request.POST.get("vote", "up") != "down"
    try:
        services.set_vote(request.user, question, on)
    except services.Refused as refusal:
        return _refused(request, question.talk, refusal)
    return _done(request, question.talk, "")


@private_response(no_store=True)
def edit(request, slug, talk, pk):
    """GET: the form with the question; POST: save it."""
    question = question_for(request, slug, talk, pk)
    talk = question.talk
    if not request.user.is_authenticated:
        return _anonymous(request, talk)
    if not rules.may_change_own(request.user, question):
        refusal = services.Refused(
            _("Only the asker changes a question, and only until it is answered.")
        )
        return _refused(request, talk, refusal)
    form = {"text": question.text, "anonymous": question.is_anonymous}
    status = 200
    if request.method == "POST":
        form = {
            "text": request.POST.get("text", ""),
            "anonymous": _checked(request.POST.get("anonymous")),
        }
        try:
            services.edit(request.user, question, form["text"], anonymous=form["anonymous"])
        except services.Refused as refusal:
            if wants_fragment(request):
                return _refused(request, talk, refusal)
            messages.error(request, refusal.message)
            status = refusal.status
        else:
            return _done(request, talk, _("Your question is changed."))
    context = {
        "talk": talk,
        "event": talk.event,
        "question": question,
        "form": form,
        "question_max_length": services.MAX_LENGTH,
    }
    return render(request, "schedule/questions/edit.html", context, status=status)


@require_POST
@private_response(no_store=True)
def withdraw(request, slug, talk, pk):
    question = question_for(request, slug, talk, pk)
    if not request.user.is_authenticated:
        return _anonymous(request, question.talk)
    try:
        services.withdraw(request.user, question)
    except services.Refused as refusal:
        return _refused(request, question.talk, refusal)
    return _done(request, question.talk, _("Your question is withdrawn."))


MODERATION_MESSAGES = {
    services.APPROVE: gettext_lazy("The question is approved: everyone sees it."),
    services.HIDE: gettext_lazy("The question is hidden."),
    services.SHOW: gettext_lazy("The question shows again."),
    services.PIN: gettext_lazy("The question is pinned."),
    services.UNPIN: gettext_lazy("The question is no longer pinned."),
    services.ANSWER: gettext_lazy("The question is marked answered."),
    services.REOPEN: gettext_lazy("The question is open again."),
}


@require_POST
@private_response(no_store=True)
def moderate(request, slug, talk, pk):
    question = question_for(request, slug, talk, pk)
    if not request.user.is_authenticated:
        return _anonymous(request, question.talk)
    action = request.POST.get("action", "")
    try:
        services.moderate(request.user, question, action, reason=request.POST.get("reason", ""))
    except services.Refused as refusal:
        return _refused(request, question.talk, refusal)
    return _done(request, question.talk, str(MODERATION_MESSAGES[action]))


def _fragment_headers(response, etag):
    response["ETag"] = etag
    # Per person (their votes, their questions waiting for approval), so never shared;
    # revalidated on every poll.
    patch_cache_control(response, private=True, no_cache=True, max_age=0)
    patch_vary_headers(response, ["Cookie"])
    return response


def _fragment(request, slug, talk, kind):
    """The list (or the stage's list) alone: 304 from the cache when unchanged.

    Visitors who are not signed in all see the same list, without forms: it is kept in
    the page cache under its ETag, so a crowd re-renders it once per change.
    """
    current = listing.cached_etag(request, slug, talk, kind)
    known = request.headers.get("If-None-Match", "")
    if current is not None and current in (tag.strip() for tag in known.split(",")):
        return _fragment_headers(HttpResponseNotModified(), current)
    shared = kind == "list" and SESSION_KEY not in request.session
    if shared and current is not None:
        content = caches["pages"].get(f"question-list:{current}")
        if content is not None:
            return _fragment_headers(HttpResponse(content), current)
    talk = talk_for(request, slug, talk)
    if kind == "stage" and not rules.can_moderate(request.user, talk):
        raise Http404("No stage view for this person.")
    context = listing.question_context(request, talk, kind=kind)
    template = (
        "schedule/questions/stage_list.html" if kind == "stage" else "schedule/questions/list.html"
    )
    response = render(request, template, context)
    if shared:
        etag = context["questions_etag"]
        caches["pages"].set(f"question-list:{etag}", response.content, SHARED_LIST_SECONDS)
    return _fragment_headers(response, context["questions_etag"])


@require_GET
def question_list(request, slug, talk):
    return _fragment(request, slug, talk, "list")


@require_GET
def stage_list(request, slug, talk):
    return _fragment(request, slug, talk, "stage")


@require_GET
@private_response(no_store=True)
def stage(request, slug, talk):
    """The moderator's or speaker's screen: large type, the top questions, pinned first."""
    talk = talk_for(request, slug, talk)
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not rules.can_moderate(request.user, talk):
        context = {
            "talk": talk,
            "event": talk.event,
            "message": _("The stage view is for the talk's speakers and the organisers."),
            "back_url": talk.get_absolute_url(),
        }
        return render(request, "schedule/questions/refused.html", context, status=403)
    context = listing.question_context(request, talk, kind="stage", now=timezone.now())
    context["event"] = talk.event
    return render(request, "schedule/questions/stage.html", context)
