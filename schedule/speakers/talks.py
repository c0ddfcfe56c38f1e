"""Speakers edit the title and abstract of their own talks until the organisers lock them.

Each change is written to the admin history (``LogEntry``) under the speaker's
account, naming the fields, so the organisers see who changed what. Saving the
talk bumps its event's version (``schedule.versions``), so public pages and feeds
show the change at once.
"""

from django import forms
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.admin.utils import construct_change_message
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from ..models import Talk


class TalkLocked(Exception):
    """The organisers locked the talk: its speakers can no longer edit it."""


def talks_of(speaker):
    """The talks ``speaker`` speaks at, with their events, in time order."""
    return speaker.talks.select_related("event").order_by("start")


def talk_of(speaker, talk_id):
    """One of ``speaker``'s talks, or None (someone else's or no such talk)."""
    return talks_of(speaker).filter(pk=talk_id).first()


def can_edit(talk: Talk) -> bool:
    return not talk.locked


class SpeakerTalkForm(forms.ModelForm):
    """What a speaker may change: the title and the abstract (Markdown, bounded and
    sanitised like the bio by the model field's validator and ``Talk.save``)."""

    class Meta:
        model = Talk
        fields = ["title", "abstract"]
        widgets = {"abstract": forms.Textarea(attrs={"rows": 12})}
        help_texts = {
            "abstract": _(
                "Markdown: *emphasis*, **bold**, [links](https://example.org) and lists. "
                "HTML is shown as text."
            ),
        }

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


def save_talk(form: SpeakerTalkForm, user) -> Talk:
    """Save a valid form and record the change in the admin history.

    Raises ``TalkLocked`` when the talk was locked meanwhile (checked on the row,
    under lock, so a lock set while the speaker typed wins).
    """
    with transaction.atomic():
        current = Talk.objects.select_for_update().get(pk=form.instance.pk)
        if not can_edit(current):
            raise TalkLocked
        # Only the speaker's fields onto the current row: what the organisers
        # changed meanwhile (time, room, state) stays.
        for name in form.Meta.fields:
            setattr(current, name, form.cleaned_data[name])
        current.save(update_fields=form.Meta.fields)
        talk = current
        if form.changed_data:
            LogEntry.objects.log_actions(
                user.pk,
                [talk],
                CHANGE,
                change_message=construct_change_message(form, None, False),
                single_object=True,
            )
    return talk
