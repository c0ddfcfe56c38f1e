"""The outbox in the back office, and announcements to an event's registrants."""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import followup, outbox, outbox_mails, teams
from .admin_teams import EventScopedAdmin
from .models import Message


@admin.register(Message)
class MessageAdmin(EventScopedAdmin):
    list_display = ["created_at", "kind", "to", "event", "state", "attempts", "send_after"]
    list_filter = ["state", "kind", "event"]
    list_select_related = ["event"]
    search_fields = ["to", "user__email"]
    date_hierarchy = "created_at"
    actions = ["retry_failed"]
    readonly_fields = [
        "key",
        "kind",
        "state",
        "user",
        "to",
        "event",
        "talk",
        "version",
        "payload",
        "send_after",
        "attempts",
        "claimed_at",
        "sent_at",
        "last_error",
        "created_at",
    ]
    fieldsets = [
        (None, {"fields": ["kind", "to", "user", "event", "talk", "state", "last_error"]}),
        (
            _("Delivery"),
            {"fields": ["created_at", "send_after", "attempts", "claimed_at", "sent_at"]},
        ),
        (_("Details"), {"classes": ["collapse"], "fields": ["key", "version", "payload"]}),
    ]

    def has_add_permission(self, request):
        return False

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is not None and obj.kind != Message.Kind.ANNOUNCEMENT:
            # Account mails hold sign-in and password-reset links: never shown.
            fieldsets = [
                (name, {**options, "fields": [f for f in options["fields"] if f != "payload"]})
                for name, options in fieldsets
            ]
        return fieldsets

    def has_change_permission(self, request, obj=None):
        # A row is read-only (its page is a view); "change" on the list is for "retry".
        return obj is None and super().has_change_permission(request)

    @admin.action(description=_("Retry the selected failed mails"), permissions=["change"])
    def retry_failed(self, request, queryset):
        count = outbox.retry(queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)d failed mail will be sent again.",
                "%(count)d failed mails will be sent again.",
                count,
            )
            % {"count": count},
            messages.SUCCESS if count else messages.WARNING,
        )

    def get_urls(self):
        return [
            path(
                "announce/<int:event_id>/",
                self.admin_site.admin_view(self.announce_view),
                name="schedule_message_announce",
            ),
            path(
                "follow-up/<int:event_id>/",
                self.admin_site.admin_view(self.follow_up_view),
                name="schedule_message_follow_up",
            ),
            *super().get_urls(),
        ]

    def announce_view(self, request, event_id):
        return self.mailing_view(request, event_id, ANNOUNCEMENT)

    def follow_up_view(self, request, event_id):
        return self.mailing_view(request, event_id, FOLLOW_UP)

    def mailing_view(self, request, event_id, mailing):
        """Write a mail to an event's registrants: a form, a preview, then the outbox."""
        # Only an event of the organiser's team (the rule of schedule/teams.py).
        event = get_object_or_404(teams.events_for(request.user), pk=event_id)
        if not request.user.has_perm("schedule.change_event"):
            raise PermissionDenied
        form = mailing.form(request.POST or None, event=event)
        valid = request.method == "POST" and form.is_valid()
        options = form.cleaned_data if valid else mailing.defaults
        recipients = mailing.recipients(event, **options)
        preview = None
        if valid:
            if "send" in request.POST:
                count = mailing.send(event, **options)
                self.message_user(request, mailing.sent_message(count), messages.SUCCESS)
                return HttpResponseRedirect(
                    reverse("admin:schedule_message_changelist")
                    + f"?kind__exact={mailing.kind}&event__id__exact={event.pk}"
                )
            preview = mailing.preview(event, request.user, **options)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": mailing.title % {"event": event.name},
            "event": event,
            "form": form,
            "preview": preview,
            "recipient_count": len(recipients),
        }
        return TemplateResponse(request, mailing.template, context)


class AnnouncementForm(forms.Form):
    def __init__(self, *args, event=None, **kwargs):
        super().__init__(*args, **kwargs)

    subject = forms.CharField(label=_("Subject"), max_length=150)
    body = forms.CharField(
        label=_("Text"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Plain text. The event's name, time and link are added below it."),
    )


def announcement_recipients(event, **options):
    """People with an active registration who have not turned announcements off."""
    registrations = event.registrations.active().select_related("user").order_by("pk")
    return [r.user for r in registrations if getattr(r.user, "announcement_emails", True)]


def _announcement_row(event, user, subject, body, version=""):
    return Message(
        kind=Message.Kind.ANNOUNCEMENT,
        user=user,
        to=user.email,
        event=event,
        version=version,
        payload={"subject": subject, "body": body},
    )


def preview_announcement(event, user, *, subject, body):
    """The mail as the first recipient would get it (or as the organiser would)."""
    recipients = announcement_recipients(event)
    row = _announcement_row(event, recipients[0] if recipients else user, subject, body)
    email = outbox_mails.announcement_mail(row, timezone.now())
    return {
        "to": row.to,
        "subject": email.subject,
        "body": email.body,
        "headers": email.extra_headers,
    }


def send_announcement(event, *, subject, body) -> int:
    now = timezone.now()
    version = now.strftime("%Y%m%dT%H%M%S.%f")
    rows = []
    for user in announcement_recipients(event):
        row = _announcement_row(event, user, subject, body, version)
        row.key = Message.make_key(
            row.kind, person=outbox.person_of(user), event=event, version=version
        )
        row.send_after = now
        rows.append(row)
    with transaction.atomic():
        return outbox.queue_many(rows)


@admin.action(description=_("Announce to registrants…"), permissions=["change"])
def announce(modeladmin, request, queryset):
    if queryset.count() != 1:
        modeladmin.message_user(request, _("Choose one event to announce to."), messages.WARNING)
        return None
    return HttpResponseRedirect(
        reverse("admin:schedule_message_announce", args=[queryset.get().pk])
    )


@dataclass(frozen=True)
class Mailing:
    """One kind of mail an organiser writes to an event's registrants from the admin."""

    kind: str
    form: type
    defaults: dict
    recipients: Callable
    preview: Callable
    send: Callable
    sent_message: Callable
    title: str
    template: str


ANNOUNCEMENT = Mailing(
    kind=Message.Kind.ANNOUNCEMENT,
    form=AnnouncementForm,
    defaults={},
    recipients=announcement_recipients,
    preview=preview_announcement,
    send=send_announcement,
    sent_message=lambda count: (
        ngettext(
            "The announcement is on its way to %(count)d person.",
            "The announcement is on its way to %(count)d people.",
            count,
        )
        % {"count": count}
    ),
    title=_("Announce to the registrants of %(event)s"),
    template="admin/schedule/message/announce.html",
)
FOLLOW_UP = Mailing(
    kind=Message.Kind.FOLLOW_UP,
    form=followup.FollowUpForm,
    defaults={"audience": followup.ALL},
    recipients=followup.recipients,
    preview=followup.preview,
    send=followup.send,
    sent_message=lambda count: (
        ngettext(
            "The recordings are on their way to %(count)d person.",
            "The recordings are on their way to %(count)d people.",
            count,
        )
        % {"count": count}
    ),
    title=_("Send the recordings of %(event)s"),
    template="admin/schedule/message/follow_up.html",
)


@admin.action(description=_("Send the recording…"), permissions=["change"])
def send_recording(modeladmin, request, queryset):
    if queryset.count() != 1:
        modeladmin.message_user(
            request, _("Choose one event to send the recordings of."), messages.WARNING
        )
        return None
    return HttpResponseRedirect(
        reverse("admin:schedule_message_follow_up", args=[queryset.get().pk])
    )
