"""Speaker self-service at /speaker/: claim a profile, then edit it.

Every editing view works on ``request.user``'s own profile (there is no speaker
id in the URLs), so nobody can reach anyone else's. Claim rules live in
``schedule.speakers.claims``.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from ..markup import render_markdown
from .claims import (
    ClaimRefused,
    InviteInvalid,
    claim_speaker,
    read_invite_token,
    speaker_of,
    speakers_matching,
    verified_emails,
)
from .forms import SpeakerProfileForm


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def speaker_profile(request):
    speaker = speaker_of(request.user)
    if speaker is None:
        if request.method == "POST":
            raise PermissionDenied(_("You do not manage a speaker profile."))
        return _claim_page(request)

    public_name = speaker.name  # the form may change the instance before it validates
    preview = None
    if request.method == "POST":
        form = SpeakerProfileForm(request.POST, request.FILES, instance=speaker)
        if "preview" in request.POST:
            # Shows the bio as it would look; saves nothing, checks nothing.
            preview = render_markdown(request.POST.get("bio", ""))
        elif form.is_valid():
            form.save(updated_by=request.user)
            messages.success(request, _("Your speaker profile is saved and shown on the site."))
            return redirect("speaker:speaker-profile")
    else:
        form = SpeakerProfileForm(instance=speaker)
    return render(
        request,
        "schedule/speakers/profile.html",
        {
            "form": form,
            "speaker": speaker,
            "public_name": public_name,
            "preview": preview,
            "photo_chosen": preview is not None and bool(request.FILES.get("new_photo")),
        },
    )


def _claim_page(request, error=None, status=200):
    matching = list(speakers_matching(request.user))
    return render(
        request,
        "schedule/speakers/claim.html",
        {
            "claimable": [speaker for speaker in matching if speaker.user_id is None],
            "taken": [speaker for speaker in matching if speaker.user_id is not None],
            "has_verified_email": bool(verified_emails(request.user)),
            "error": error,
        },
        status=status,
    )


@never_cache
@login_required
@require_POST
def speaker_claim(request):
    try:
        speaker_id = int(request.POST.get("speaker", ""))
    except ValueError:
        return _claim_page(request, _("Choose the profile to claim."), status=400)
    try:
        speaker = claim_speaker(request.user, speaker_id)
    except ClaimRefused as refusal:
        return _claim_page(request, str(refusal), status=403)
    messages.success(
        request, _("You now manage the speaker profile “%(name)s”.") % {"name": speaker.name}
    )
    return redirect("speaker:speaker-profile")


@never_cache
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def speaker_invite(request, token):
    try:
        speaker, nonce = read_invite_token(token)
    except InviteInvalid as problem:
        return render(request, "schedule/speakers/invite.html", {"error": str(problem)}, status=400)
    error = None
    if request.method == "POST":
        try:
            claim_speaker(request.user, speaker.pk, invite_nonce=nonce)
        except ClaimRefused as refusal:
            error = str(refusal)
        else:
            messages.success(
                request,
                _("You now manage the speaker profile “%(name)s”.") % {"name": speaker.name},
            )
            return redirect("speaker:speaker-profile")
    elif speaker_of(request.user) is not None:
        error = _("Your account already manages a speaker profile.")
    return render(
        request,
        "schedule/speakers/invite.html",
        {"speaker": speaker, "error": error},
        status=403 if error else 200,
    )
