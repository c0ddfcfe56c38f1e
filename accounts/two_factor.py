"""Two-factor sign-in for everyone who can reach the back office.

allauth's MFA (``allauth.mfa``) supplies the authenticator app (TOTP), recovery codes,
the second step of the login and its throttle. This module adds the rule of the
site: an account with staff status opens no admin page

- until it has an authenticator app: it is sent to allauth's activation page;
- in a session that has not passed the second step (say, a session opened before
  the account enrolled): it is sent to allauth's two-factor check, then back.

A session passes when allauth recorded an ``mfa`` step in it: a code at login or on
the check page, or the code that activated the authenticator in this session.
"""

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.http import HttpResponseRedirect, QueryDict
from django.urls import reverse
from django.utils.translation import gettext as _

SECOND_FACTORS = [Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]


def needs_two_factor(user) -> bool:
    """Whether ``user`` must sign in with two factors: everyone who can open the admin."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def has_second_factor(user) -> bool:
    return is_mfa_enabled(user, SECOND_FACTORS)


def session_passed_second_factor(request, user) -> bool:
    return any(
        record.get("method") == "mfa" for record in get_authentication_records(request, user)
    )


def record_enrolment(sender, request, user, authenticator, **kwargs):
    """Activating an authenticator takes a valid code from it: this session has shown
    the second factor (``allauth.mfa.signals.authenticator_added``)."""
    if request is not None and authenticator.type in SECOND_FACTORS:
        record_authentication(
            request, user, "mfa", id=authenticator.pk, type=authenticator.type, enrolled=True
        )


def _with_next(url_name, next_path):
    query = QueryDict(mutable=True)
    query["next"] = next_path
    return f"{reverse(url_name)}?{query.urlencode(safe='/')}"


class AdminTwoFactorMiddleware:
    """Sends staff without a second factor (or a session without one) away from /admin/."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self._refusal(request)
        return response if response is not None else self.get_response(request)

    def _refusal(self, request):
        admin_root = reverse("admin:index")
        if not request.path.startswith(admin_root):
            return None
        user = request.user
        if not needs_two_factor(user) or request.path == reverse("admin:logout"):
            return None
        if not has_second_factor(user):
            messages.warning(
                request,
                _(
                    "The back office needs two-factor sign-in: confirm your password if "
                    "asked, add an authenticator app, then open the back office again."
                ),
            )
            return HttpResponseRedirect(reverse("mfa_activate_totp"))
        if not session_passed_second_factor(request, user):
            return HttpResponseRedirect(_with_next("mfa_reauthenticate", request.get_full_path()))
        return None
