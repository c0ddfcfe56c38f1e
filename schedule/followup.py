"""The mail after an event: its recordings, to the registrants (the admin's
"Send the recording"), through the outbox.

Who gets it: the confirmed registrants, or only those of them who never opened a
join link of the event (no ``JoinClick`` in any of its rooms); in both cases not
those who turned announcements off. One mail per person and event: the outbox key
has no version, so sending again writes nothing new for people already written to.
"""

from __future__ import annotations

from django import forms
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import outbox, outbox_mails, unsubscribe
from .models import JoinClick, Message

ALL = "all"
NEVER_OPENED = "never_opened"


class FollowUpForm(forms.Form):
    audience = forms.ChoiceField(
        label=_("Send to"),
        choices=[
            (ALL, _("Everyone with a confirmed registration")),
            (NEVER_OPENED, _("Only confirmed registrants who never opened the join link")),
        ],
        initial=ALL,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event

    def clean(self):
        data = super().clean()
        if not self.event.is_past():
            raise forms.ValidationError(
                _("The event is not over yet: send the recordings after it ends.")
            )
        if not outbox_mails.recorded_talks(self.event):
            raise forms.ValidationError(
                _("No talk of this event has a recording yet: add them to the talks first.")
            )
        return data


def recipients(event, *, audience=ALL) -> list:
    """The people the mail goes to, in the order they registered."""
    registrations = event.registrations.confirmed().select_related("user").order_by("pk")
    if audience == NEVER_OPENED:
        opened = JoinClick.objects.filter(user=OuterRef("user"), room__event=event)
        registrations = registrations.filter(~Exists(opened))
    return [r.user for r in registrations if unsubscribe.wants(r.user, "announcements")]


def _row(event, user) -> Message:
    return Message(
        kind=Message.Kind.FOLLOW_UP,
        key=Message.make_key(Message.Kind.FOLLOW_UP, person=outbox.person_of(user), event=event),
        user=user,
        to=user.email,
        event=event,
    )


def preview(event, user, *, audience=ALL) -> dict:
    """The mail as the first recipient would get it (or as the organiser would)."""
    people = recipients(event, audience=audience)
    email = outbox_mails.follow_up_mail(_row(event, people[0] if people else user), timezone.now())
    return {
        "to": email.to[0],
        "subject": email.subject,
        "body": email.body,
        "headers": email.extra_headers,
    }


def send(event, *, audience=ALL) -> int:
    """Write the mails; returns how many are new (people already written to are skipped)."""
    now = timezone.now()
    rows = []
    for user in recipients(event, audience=audience):
        row = _row(event, user)
        row.send_after = now
        rows.append(row)
    with transaction.atomic():
        return outbox.queue_many(rows)
