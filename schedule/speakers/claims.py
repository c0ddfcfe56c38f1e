"""Who may claim a speaker profile, and the organisers' invite links: decided here only.

A user claims a profile either because one of their *verified* e-mail addresses
equals the speaker's private e-mail (case-insensitive), or with an invite link an
organiser sent to that address. Either way the profile must not belong to anyone
yet, and the account must not manage another profile (one profile per account).
"""

from __future__ import annotations

import datetime as dt
import secrets
from functools import reduce
from operator import or_

from allauth.account.models import EmailAddress
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare
from django.utils.translation import gettext as _

from .. import outbox
from ..emails import mail_language
from ..models import Message, Speaker
from ..seo import absolute_url

INVITE_SALT = "eventsite.speaker-invite"
INVITE_MAX_AGE = dt.timedelta(days=7)


class ClaimRefused(Exception):
    """The claim is not allowed; ``str(error)`` tells the user why."""


class InviteInvalid(Exception):
    """The invite link is tampered with, expired, used or replaced; ``str(error)`` says which."""


def speaker_of(user) -> Speaker | None:
    """The profile ``user`` manages, or None (the reverse one-to-one raises when missing)."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.speaker
    except Speaker.DoesNotExist:
        return None


def verified_emails(user) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    addresses = EmailAddress.objects.filter(user=user, verified=True).values_list(
        "email", flat=True
    )
    return {address.strip().lower() for address in addresses if address.strip()}


def speakers_matching(user):
    """Speakers whose private e-mail equals one of ``user``'s verified addresses."""
    emails = verified_emails(user)
    if not emails:
        return Speaker.objects.none()
    return (
        Speaker.objects.exclude(email="")
        .filter(reduce(or_, (Q(email__iexact=email) for email in sorted(emails))))
        .order_by("name", "pk")
    )


def claim_speaker(user, speaker_id, *, invite_nonce: str | None = None) -> Speaker:
    """Link the speaker to ``user`` and record the claim; raise ``ClaimRefused`` if not allowed.

    Without ``invite_nonce`` the speaker's e-mail must be one of the user's
    verified addresses; with it, the nonce must be the speaker's current invite
    nonce, which the claim then spends (single use).
    """
    if not getattr(user, "is_authenticated", False):
        raise ClaimRefused(_("Sign in to claim a speaker profile."))
    with transaction.atomic():
        # The row lock makes two simultaneous claims of one profile take turns.
        speaker = Speaker.objects.select_for_update().filter(pk=speaker_id).first()
        if speaker is None:
            raise ClaimRefused(_("This speaker profile does not exist any more."))
        if speaker.user_id == user.pk:
            raise ClaimRefused(_("This profile is already yours."))
        if speaker.user_id is not None:
            raise ClaimRefused(
                _(
                    "This profile is already managed by another account. "
                    "If that is wrong, please write to the organisers."
                )
            )
        if Speaker.objects.filter(user=user).exists():
            raise ClaimRefused(_("Your account already manages a speaker profile."))
        emails = verified_emails(user)
        if not emails:
            raise ClaimRefused(_("Verify your e-mail address first, then claim your profile."))
        if invite_nonce is None:
            if not speaker.email or speaker.email.strip().lower() not in emails:
                raise ClaimRefused(
                    _(
                        "None of your verified e-mail addresses matches this profile. "
                        "Ask the organisers for an invite link."
                    )
                )
        elif not speaker.invite_nonce or not constant_time_compare(
            speaker.invite_nonce, invite_nonce
        ):
            raise ClaimRefused(
                _(
                    "This invite link has been used already or replaced by a newer one. "
                    "Ask the organisers for a new link."
                )
            )
        speaker.user = user
        speaker.claimed_at = timezone.now()
        speaker.updated_by = user
        speaker.invite_nonce = ""
        try:
            # A savepoint: the same person claiming another profile at this very moment
            # wins the unique account link; this claim then ends in a clear refusal.
            # .save(), not .update(): the public pages' cache listens to post_save.
            with transaction.atomic():
                speaker.save()
        except IntegrityError as error:
            raise ClaimRefused("Your account already manages a speaker profile.") from error
    return speaker


# ---------------------------------------------------------------------------
# Invite links


def make_invite_token(speaker: Speaker) -> str:
    """A new signed token for ``speaker``; any earlier link of theirs stops working."""
    speaker.invite_nonce = secrets.token_urlsafe(18)
    speaker.save(update_fields=["invite_nonce"])
    return signing.TimestampSigner(salt=INVITE_SALT).sign_object(
        {"speaker": speaker.pk, "nonce": speaker.invite_nonce}
    )


def read_invite_token(token: str) -> tuple[Speaker, str]:
    """(speaker, nonce) of a valid, unexpired token of an unclaimed profile, or InviteInvalid.

    Whether the nonce is still current is checked again when claiming, under the row lock.
    """
    try:
        payload = signing.TimestampSigner(salt=INVITE_SALT).unsign_object(
            token, max_age=INVITE_MAX_AGE
        )
    except signing.SignatureExpired as error:
        raise InviteInvalid(
            _("This invite link has expired. Ask the organisers to send you a new one.")
        ) from error
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise InviteInvalid(
            _("This invite link is not valid. Please copy the whole link from the e-mail.")
        ) from error
    if not isinstance(payload, dict) or not isinstance(payload.get("nonce"), str):
        raise InviteInvalid(_("This invite link is not valid."))
    speaker = Speaker.objects.filter(pk=payload.get("speaker")).first()
    if speaker is None:
        raise InviteInvalid(_("The speaker profile of this invite does not exist any more."))
    nonce = payload["nonce"]
    if speaker.user_id is not None:
        raise InviteInvalid(_("This profile has been claimed already."))
    if not speaker.invite_nonce or not constant_time_compare(speaker.invite_nonce, nonce):
        raise InviteInvalid(
            _(
                "This invite link has been used already or replaced by a newer one. "
                "Ask the organisers for a new link."
            )
        )
    return speaker, nonce


def invite_url(token: str, request=None) -> str:
    return absolute_url(reverse("speaker:invite", kwargs={"token": token}), request)


def send_invite(speaker: Speaker, request=None) -> str:
    """E-mail a fresh one-time invite link to the speaker's private address; return the URL.

    The link is on the host the organiser's ``request`` came to, else on ``SITE_URL``.
    The mail is in the language of the speaker's latest talk (an unclaimed profile
    has no account to say which), else the organiser's.
    """
    if not speaker.email:
        raise ValueError(f"{speaker} has no private e-mail address.")
    url = invite_url(make_invite_token(speaker), request)
    context = {
        "speaker": speaker,
        "url": url,
        "days": INVITE_MAX_AGE.days,
        "SITE_URL": absolute_url("/", request),  # the site, not the admin page that sent it
    }
    talk_language = speaker.talks.order_by("-start").values_list("language", flat=True).first()
    with translation.override(mail_language(speaker.user, talk_language)):
        subject = render_to_string("schedule/email/speaker_invite_subject.txt", context)
        body = render_to_string("schedule/email/speaker_invite_message.txt", context)
    email = EmailMessage(" ".join(subject.split()), body, None, [speaker.email])
    outbox.queue_email(email, kind=Message.Kind.NOTICE)
    return url
