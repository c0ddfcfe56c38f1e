"""Questions in the back office: per talk, filtered by state, with who asked and a CSV export.

Registered from ``ScheduleConfig.ready()`` after ``schedule.admin``, whose helpers it uses.
"""

import csv
import datetime as dt

from django.contrib import admin
from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

from ..admin import _csv_safe, local_time
from ..admin_teams import EventScopedAdmin
from . import versions
from .models import Question


class _NullFilter(admin.SimpleListFilter):
    field = ""

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(**{f"{self.field}__isnull": False})
        if self.value() == "no":
            return queryset.filter(**{f"{self.field}__isnull": True})
        return queryset


class HiddenFilter(_NullFilter):
    title = _("hidden")
    parameter_name = "hidden"
    field = "hidden_at"


class AnsweredFilter(_NullFilter):
    title = _("answered")
    parameter_name = "answered"
    field = "answered_at"


@admin.register(Question)
class QuestionAdmin(EventScopedAdmin):
    list_display = [
        "__str__",
        "talk",
        "asked_by",
        "is_anonymous",
        "votes",
        "is_approved",
        "is_pinned",
        "answered",
        "hidden",
        "asked_at_local",
    ]
    list_filter = [
        "talk__event",
        ("talk", admin.RelatedOnlyFieldListFilter),
        HiddenFilter,
        AnsweredFilter,
        "is_pinned",
        "is_approved",
        "is_anonymous",
    ]
    search_fields = ["text", "author__email", "author__display_name", "talk__title"]
    list_select_related = ["talk__event", "author"]
    raw_id_fields = ["author", "talk"]
    readonly_fields = ["votes", "created_at", "edited_at"]
    fields = [
        "talk",
        "author",
        "text",
        "is_anonymous",
        "is_approved",
        "is_pinned",
        "answered_at",
        "hidden_at",
        "hidden_reason",
        "votes",
        "created_at",
        "edited_at",
    ]
    date_hierarchy = "created_at"
    actions = ["export_csv"]

    @admin.display(description=_("asked by"), ordering="author__email")
    def asked_by(self, question):
        author = question.author
        return f"{author.display_name} <{author.email}>" if author.display_name else author.email

    @admin.display(description=_("answered"), boolean=True, ordering="answered_at")
    def answered(self, question):
        return question.is_answered

    @admin.display(description=_("hidden"), boolean=True, ordering="hidden_at")
    def hidden(self, question):
        return question.is_hidden

    @admin.display(description=_("asked at (event's zone)"), ordering="created_at")
    def asked_at_local(self, question):
        return local_time(question.talk.event, question.created_at)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        versions.bump(obj.talk_id)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        versions.bump(obj.talk_id)

    def delete_queryset(self, request, queryset):
        talk_pks = set(queryset.values_list("talk_id", flat=True))
        super().delete_queryset(request, queryset)
        for talk_pk in talk_pks:
            versions.bump(talk_pk)

    @admin.action(description=_("Export the selected questions as CSV"), permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = f'attachment; filename="questions-{stamp}.csv"'
        writer = csv.writer(response)
        writer.writerow(
            [
                "event",
                "talk",
                "question",
                "asked by",
                "e-mail",
                "anonymous",
                "votes",
                "approved",
                "pinned",
                "answered",
                "hidden",
                "reason for hiding",
                "asked at",
                "time zone",
            ]
        )
        rows = queryset.select_related("talk__event", "author").order_by(
            "talk__event", "talk__start", "-votes", "created_at"
        )
        for question in rows:
            event = question.talk.event
            writer.writerow(
                [
                    _csv_safe(event.name),
                    _csv_safe(question.talk.title),
                    _csv_safe(question.text),
                    _csv_safe(question.author.display_name),
                    _csv_safe(question.author.email),
                    "yes" if question.is_anonymous else "no",
                    question.votes,
                    "yes" if question.is_approved else "no",
                    "yes" if question.is_pinned else "no",
                    "yes" if question.is_answered else "no",
                    "yes" if question.is_hidden else "no",
                    _csv_safe(question.hidden_reason),
                    event.local(question.created_at).strftime("%Y-%m-%d %H:%M"),
                    event.timezone,
                ]
            )
        return response
