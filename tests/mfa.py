"""Two-factor helpers for tests: enrol an authenticator app, compute its codes (RFC 6238,
written out here with hmac rather than borrowed from allauth), and give a test client's
session the record allauth writes when a code was entered."""

import base64
import hashlib
import hmac
import secrets
import struct
import time

from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP
from django.test import Client


def new_secret():
    return base64.b32encode(secrets.token_bytes(20)).decode()


def totp_code(secret, at=None, *, period=30, digits=6):
    """The code an authenticator app shows for ``secret`` at ``at`` (default: now)."""
    counter = int((time.time() if at is None else at) // period)
    key = base64.b32decode(secret, casefold=True)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}d}"


def enrol_totp(user, secret=None):
    """``user`` gets an authenticator app with ``secret`` and recovery codes; returns
    (secret, [recovery codes])."""
    secret = secret or new_secret()
    TOTP.activate(user, secret)
    codes = RecoveryCodes.activate(user)
    return secret, codes.generate_codes()


def mark_second_factor(client, user):
    """The session of ``client`` passed the second step, as allauth records it after a
    right code (``account_authentication_methods``)."""
    authenticator = Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": time.time()},
        {"method": "mfa", "at": time.time(), "id": authenticator.pk, "type": "totp"},
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()


class TwoFactorClient(Client):
    """``force_login`` of a user with an authenticator app also completes the second
    step, as signing in with a code would. Users without one get a plain session,
    which the back office refuses (accounts/two_factor.py)."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        if Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            mark_second_factor(self, user)
