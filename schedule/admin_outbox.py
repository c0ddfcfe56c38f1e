"""The outbox in the back office, and announcements to an event's registrants."""

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

from . import outbox, outbox_mails, teams
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
            *super().get_urls(),
        ]

    def announce_view(self, request, event_id):
        # Only an event of the organiser's team (the rule of schedule/teams.py).
        event = get_object_or_404(teams.events_for(request.user), pk=event_id)
        if not request.user.has_perm("schedule.change_event"):
            raise PermissionDenied
        form = AnnouncementForm(request.POST or None)
        recipients = announcement_recipients(event)
        preview = None
        if request.method == "POST" and form.is_valid():
            if "send" in request.POST:
                count = send_announcement(event, **form.cleaned_data)
                self.message_user(
                    request,
                    ngettext(
                        "The announcement is on its way to %(count)d person.",
                        "The announcement is on its way to %(count)d people.",
                        count,
                    )
                    % {"count": count},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(
                    reverse("admin:schedule_message_changelist")
                    + f"?kind__exact=announcement&event__id__exact={event.pk}"
                )
            preview = preview_announcement(event, request.user, **form.cleaned_data)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Announce to the registrants of %(event)s") % {"event": event.name},
            "event": event,
            "form": form,
            "preview": preview,
            "recipient_count": len(recipients),
        }
        return TemplateResponse(request, "admin/schedule/message/announce.html", context)


class AnnouncementForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=150)
    body = forms.CharField(
        label=_("Text"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Plain text. The event's name, time and link are added below it."),
    )


def announcement_recipients(event):
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
