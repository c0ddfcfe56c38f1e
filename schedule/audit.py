"""The per-event log of sensitive changes, and the mail its owners get.

Written from the admin (``schedule/admin_teams.py``), where the person who made the
change is known: a room's join link or join instructions, the event's capacity, the
event's team. Owners read the log in the admin; a changed join link also mails them,
since a replaced link is what a stolen organiser account would do first. Like every
mail of the site, that mail carries no join link: it says who changed which room when,
and links to the log.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from . import outbox
from .models import EventAuditLog, EventTeamMember, Message

Action = EventAuditLog.Action

ROOM_ACCESS_FIELDS = ("join_url", "join_instructions")


def record(event, user, action, detail):
    author = user if user is not None and user.is_authenticated else None
    return EventAuditLog.objects.create(event=event, user=author, action=action, detail=detail)


def room_changed(user, room, changed_fields, *, old_join_url=""):
    """Log (and mail the owners about) a change of a room's join link or instructions."""
    changed = [name for name in ROOM_ACCESS_FIELDS if name in changed_fields]
    if not changed:
        return None
    event = room.event
    parts = []
    if "join_url" in changed:
        parts.append(
            _("join link of room “%(room)s” changed from %(old)s to %(new)s")
            % {"room": room.name, "old": old_join_url or "–", "new": room.join_url or "–"}
        )
    if "join_instructions" in changed:
        parts.append(_("join instructions of room “%(room)s” changed") % {"room": room.name})
    entry = record(event, user, Action.JOIN_LINK, "; ".join(parts))
    transaction.on_commit(lambda: mail_owners_about(entry, room=room))
    return entry


def capacity_changed(user, event, old, new):
    return record(
        event,
        user,
        Action.CAPACITY,
        _("capacity changed from %(old)s to %(new)s")
        % {
            "old": _("no limit") if old is None else old,
            "new": _("no limit") if new is None else new,
        },
    )


def team_changed(user, event, lines):
    if not lines:
        return None
    return record(event, user, Action.TEAM, "; ".join(lines))


def owner_addresses(event):
    return list(
        EventTeamMember.objects.filter(event=event, role=EventTeamMember.Role.OWNER)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )


def mail_owners_about(entry, *, room):
    """The one place the owners' mail is written (to the outbox, sent by the worker)."""
    recipients = owner_addresses(entry.event)
    if not recipients:
        return 0
    context = {
        "entry": entry,
        "event": entry.event,
        "room": room,
        "changed_by": entry.user.email if entry.user else _("someone"),
        "log_url": settings.SITE_URL
        + reverse("admin:schedule_eventauditlog_changelist")
        + f"?event__id__exact={entry.event_id}",
    }
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("[Eventsite] The join link of “%(room)s” changed") % {"room": room.name}
        body = render_to_string("schedule/email/join_link_changed.txt", context)
    email = EmailMessage(subject, body, None, recipients)
    return len(outbox.queue_email(email, kind=Message.Kind.NOTICE))
