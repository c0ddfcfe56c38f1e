"""Changes that registrants hear about: a moved event or talk, a cancelled talk.

Connected to the model signals in ``apps.py`` (like ``versions.py``), so edits in
the admin, its actions and the shell all count. The rows are written in the
transaction of the change.

Several moves within ``FOLD`` are folded into one "time changed" mail: the first
move writes a row per registrant to be sent after ``FOLD``; later moves find it
still pending and add nothing, and the mail shows the times as they are when it
is sent.
"""

from __future__ import annotations

import datetime as dt

from django.db.models.signals import post_save, pre_save
from django.utils import timezone

from . import outbox
from .models import Event, Message, Talk

FOLD = dt.timedelta(minutes=5)


def registrants(event: Event):
    return event.registrations.active().select_related("user").order_by("pk")


def queue_time_changed(event: Event, now=None) -> int:
    now = now or timezone.now()
    if event.is_past(now):
        return 0
    waiting = Message.objects.filter(
        event=event, kind=Message.Kind.TIME_CHANGED, state=Message.State.PENDING
    )
    if waiting.exists():
        return 0
    version = now.strftime("%Y%m%dT%H%M%S.%f")
    count = 0
    for registration in registrants(event):
        written = outbox.queue(
            Message.Kind.TIME_CHANGED,
            user=registration.user,
            event=event,
            version=version,
            send_after=now + FOLD,
        )
        count += written is not None
    return count


def queue_talk_cancelled(talk: Talk, now=None) -> int:
    now = now or timezone.now()
    event = talk.event
    if talk.end < now:
        return 0
    count = 0
    for registration in registrants(event):
        written = outbox.queue(
            Message.Kind.TALK_CANCELLED,
            user=registration.user,
            event=event,
            talk=talk,
            version=talk.sequence,
        )
        count += written is not None
    return count


def _remember(sender, instance, raw=False, **kwargs):
    instance._before_save = None
    if raw or instance._state.adding or not instance.pk:
        return
    fields = ["start", "end"] + (["state"] if sender is Talk else ["is_published"])
    instance._before_save = sender.objects.filter(pk=instance.pk).values(*fields).first()


def _event_saved(sender, instance, raw=False, created=False, **kwargs):
    before = getattr(instance, "_before_save", None)
    if raw or created or not before or not instance.is_published:
        return
    if (before["start"], before["end"]) != (instance.start, instance.end):
        queue_time_changed(instance)


def _talk_saved(sender, instance, raw=False, created=False, **kwargs):
    before = getattr(instance, "_before_save", None)
    if raw or created or not before or not instance.event.is_published:
        return
    was, now_state = before["state"], instance.state
    if now_state == Talk.State.CANCELLED and was == Talk.State.PUBLISHED:
        queue_talk_cancelled(instance)
    elif (
        now_state == Talk.State.PUBLISHED
        and was == Talk.State.PUBLISHED
        and (before["start"], before["end"]) != (instance.start, instance.end)
    ):
        queue_time_changed(instance.event)


def connect_signals() -> None:
    for model in (Event, Talk):
        pre_save.connect(_remember, sender=model, dispatch_uid=f"changes-before-{model.__name__}")
    post_save.connect(_event_saved, sender=Event, dispatch_uid="changes-event")
    post_save.connect(_talk_saved, sender=Talk, dispatch_uid="changes-talk")
