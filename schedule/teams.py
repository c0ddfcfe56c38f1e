"""Who may see and change what in the back office: the one rule for event teams.

A superuser sees everything. Anyone else sees the events whose team they are on
(``EventTeamMember``) and what belongs to those events: rooms, talks, the speakers
who speak at them, registrations, join clicks, the team, and (owners only) the
event's log. Every admin class in ``schedule/admin.py`` asks this module through
``EventScopedAdmin`` (``schedule/admin_teams.py``); a model this module does not know
raises ``LookupError`` instead of being shown unfiltered.

A model added later (questions, outbox rows) is scoped by adding the path from it
to its event to ``EVENT_PATHS``.
"""

from django.db.models import Q

from .models import (
    Event,
    EventAuditLog,
    EventTeamMember,
    JoinClick,
    Message,
    Question,
    QuestionVote,
    Registration,
    Room,
    Speaker,
    Talk,
    TalkSpeaker,
)

Role = EventTeamMember.Role

# The lookup from each model to the event it belongs to.
EVENT_PATHS = {
    Event: "pk",
    Room: "event",
    Talk: "event",
    TalkSpeaker: "talk__event",
    Registration: "event",
    JoinClick: "room__event",
    EventTeamMember: "event",
    Question: "talk__event",
    QuestionVote: "question__talk__event",
    # Outbox rows of the team's events; mails about no event (sign-up, password) are
    # for superusers only.
    Message: "event",
}


def sees_everything(user) -> bool:
    return bool(user is not None and user.is_active and user.is_superuser)


def events_for(user):
    """The events ``user`` runs in the admin (all of them for a superuser)."""
    if sees_everything(user):
        return Event.objects.all()
    if user is None or not user.is_authenticated:
        return Event.objects.none()
    return Event.objects.filter(pk__in=_event_ids(user))


def owned_events_for(user):
    """The events whose team and log ``user`` manages."""
    if sees_everything(user):
        return Event.objects.all()
    if user is None or not user.is_authenticated:
        return Event.objects.none()
    return Event.objects.filter(pk__in=_event_ids(user, roles=[Role.OWNER]))


def _event_ids(user, roles=None):
    memberships = EventTeamMember.objects.filter(user_id=user.pk)
    if roles is not None:
        memberships = memberships.filter(role__in=roles)
    return memberships.values("event_id")


def is_owner(user, event) -> bool:
    if sees_everything(user):
        return True
    if event is None or event.pk is None or not user.is_authenticated:
        return False
    return EventTeamMember.objects.filter(event=event, user_id=user.pk, role=Role.OWNER).exists()


def rooms_for(user):
    return scope(user, Room.objects.all())


def talks_for(user):
    return scope(user, Talk.objects.all())


def registrations_for(user):
    return scope(user, Registration.objects.all())


def join_clicks_for(user):
    return scope(user, JoinClick.objects.all())


def speakers_for(user):
    """Speakers who speak at ``user``'s events, and those who speak nowhere yet that
    ``user`` saved last (a speaker an organiser has just added, before the talk)."""
    return scope(user, Speaker.objects.all())


def audit_log_for(user):
    """The log entries of the events ``user`` owns."""
    return scope(user, EventAuditLog.objects.all())


def scope(user, queryset):
    """``queryset`` narrowed to what ``user`` may see in the admin."""
    model = queryset.model
    if sees_everything(user):
        return queryset
    if user is None or not user.is_authenticated:
        return queryset.none()
    if model is Speaker:
        speaking_here = TalkSpeaker.objects.filter(talk__event__in=_event_ids(user))
        speaking_anywhere = TalkSpeaker.objects.values("speaker_id")
        return queryset.filter(
            Q(pk__in=speaking_here.values("speaker_id"))
            | (Q(updated_by_id=user.pk) & ~Q(pk__in=speaking_anywhere))
        )
    if model is EventAuditLog:
        return queryset.filter(event__in=_event_ids(user, roles=[Role.OWNER]))
    try:
        path = EVENT_PATHS[model]
    except KeyError:
        raise LookupError(f"schedule.teams has no rule for {model.__name__}") from None
    return queryset.filter(**{f"{path}__in": _event_ids(user)})


def is_scoped(model) -> bool:
    return model in EVENT_PATHS or model in (Speaker, EventAuditLog)


def may_see(user, obj) -> bool:
    """Whether ``obj`` is one of the objects ``user`` may see (one indexed query)."""
    if sees_everything(user):
        return True
    return scope(user, type(obj)._default_manager.filter(pk=obj.pk)).exists()


def may_delete_speaker(user, speaker) -> bool:
    """A speaker who also speaks at another team's event stays: only a superuser, or a
    team that runs every event the speaker speaks at, deletes them."""
    if sees_everything(user):
        return True
    elsewhere = TalkSpeaker.objects.filter(speaker=speaker).exclude(
        talk__event__in=_event_ids(user)
    )
    return not elsewhere.exists()


def manages_person_fields(user) -> bool:
    """A speaker's private e-mail, account and claim belong to the person: only a
    superuser changes them once the speaker exists."""
    return sees_everything(user)
