"""``Event.version``: the one thing that says whether cached pages and feeds are current.

Cached fragments, pages and feeds of an event are stored under keys that name its
version (and the release: ``CACHES["pages"]["KEY_PREFIX"]``). The version lives in
the event's row and grows, in the same transaction, with any change that shows on
those pages: the event itself (``Event.save``), and here its rooms, its talks, the
speakers of its talks and the links between them. A rolled-back change rolls its
bump back too, and nothing depends on the cache remembering anything.

Bulk changes (``QuerySet.update``, ``bulk_create``) send no signals: call
``Event.objects.filter(...).bump_version()`` after them.
"""

from django.db.models.signals import post_delete, post_save, pre_save

from .models import Event, Room, Speaker, Talk, TalkSpeaker


def _part_moving(sender, instance, raw=False, **kwargs):
    # A room or talk moved to another event: the event it leaves changes too.
    if not raw and not instance._state.adding:
        related = "rooms" if sender is Room else "talks"
        Event.objects.filter(**{related: instance.pk}).exclude(pk=instance.event_id).bump_version()


def _part_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        Event.objects.filter(pk=instance.event_id).bump_version()


def _talk_speaker_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        Event.objects.filter(talks=instance.talk_id).bump_version()


def _speaker_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        Event.objects.filter(talks__talk_speakers__speaker=instance.pk).bump_version()


RECEIVERS = [
    (Room, _part_changed),
    (Talk, _part_changed),
    (TalkSpeaker, _talk_speaker_changed),
    (Speaker, _speaker_changed),
]


def connect_signals() -> None:
    for model in (Room, Talk):
        pre_save.connect(_part_moving, sender=model, dispatch_uid=f"version-move-{model.__name__}")
    for model, receiver in RECEIVERS:
        post_save.connect(receiver, sender=model, dispatch_uid=f"version-save-{model.__name__}")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"version-del-{model.__name__}")
