"""Opting out of reminders and announcements (registration mails are always sent).

The choice is a field on the user (``reminder_emails``, ``announcement_emails``),
read from the user object; the profile page edits it. Reminder and announcement
mails carry ``List-Unsubscribe`` with a signed one-click URL (RFC 8058): a POST
to it turns the topic off without signing in; a GET shows a page that asks first.
"""

from __future__ import annotations

from django.core import signing
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .seo import absolute_url

SALT = "schedule.unsubscribe"
# topic -> (field on the user, what the person is leaving, for the page)
TOPICS = {
    "reminders": ("reminder_emails", _("reminders before events")),
    "announcements": ("announcement_emails", _("announcements from organisers")),
}


def wants(user, topic: str) -> bool:
    """The person has not opted out of ``topic`` (users without the field: yes)."""
    return bool(getattr(user, TOPICS[topic][0], True))


def make_token(user, topic: str) -> str:
    return signing.dumps({"u": user.pk, "t": topic}, salt=SALT, compress=True)


def read_token(token: str) -> tuple[int, str] | None:
    """(user id, topic) from a token this site signed; None for anything else."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if (
        not isinstance(data, dict)
        or data.get("t") not in TOPICS
        or not isinstance(data.get("u"), int)
    ):
        return None
    return data["u"], data["t"]


def unsubscribe_url(user, topic: str) -> str:
    return absolute_url(reverse("schedule:unsubscribe", kwargs={"token": make_token(user, topic)}))


def headers(user, topic: str) -> dict[str, str]:
    """``List-Unsubscribe`` and the one-click ``List-Unsubscribe-Post`` (RFC 8058)."""
    return {
        "List-Unsubscribe": f"<{unsubscribe_url(user, topic)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def opt_out(user, topic: str) -> bool:
    """Turn ``topic`` off for ``user``; False when it already was."""
    field = TOPICS[topic][0]
    if not getattr(user, field, True):
        return False
    setattr(user, field, False)
    user.save(update_fields=[field])
    return True
