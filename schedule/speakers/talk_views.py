"""/speaker/talks/<id>/: a speaker edits the title and abstract of one of their talks."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from ..markup import render_markdown
from .claims import speaker_of
from .talks import SpeakerTalkForm, TalkLocked, can_edit, save_talk, talk_of


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def speaker_talk_edit(request, talk_id):
    speaker = speaker_of(request.user)
    talk = talk_of(speaker, talk_id) if speaker is not None else None
    if talk is None:
        raise Http404(_("You are not a speaker of this talk."))
    locked = not can_edit(talk)
    preview = None
    form = SpeakerTalkForm(instance=talk)
    if request.method == "POST" and not locked:
        form = SpeakerTalkForm(request.POST, instance=talk)
        if "preview" in request.POST:
            preview = render_markdown(request.POST.get("abstract", ""))
        elif form.is_valid():
            try:
                talk = save_talk(form, request.user)
            except TalkLocked:
                locked = True
            else:
                messages.success(
                    request,
                    _("“%(title)s” is saved and shown on the site.") % {"title": talk.title},
                )
                return redirect("speaker:speaker-profile")
    elif request.method == "POST":
        locked = True
    if locked:
        form = None
    return render(
        request,
        "schedule/speakers/talk_edit.html",
        {"talk": talk, "form": form, "locked": locked, "preview": preview},
        status=403 if locked and request.method == "POST" else 200,
    )
