"""The figures page of an event in the back office, and its CSV.

``/admin/schedule/event/<id>/figures/`` (``admin:schedule_event_figures``): charts
drawn on the server as SVG, each with its table of numbers, readable without
JavaScript; ``?format=csv`` gives the same numbers as a file. The event must be
one of ``figures.events_visible_to(user)``, else 404.
"""

from __future__ import annotations

import csv

from django.contrib import admin
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from . import figures
from .access import mark_private


def _csv(event, numbers: figures.Figures) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{event.slug}-figures.csv"'
    writer = csv.writer(response)
    writer.writerow(["figure", "label", "value", "clicks or total"])
    for day, new, total in numbers.registrations_by_day:
        writer.writerow(["registrations per day", day.isoformat(), new, total])
    for row in numbers.statuses:
        writer.writerow(["registration status", row.label, row.value, ""])
    for row in numbers.rooms:
        writer.writerow(
            ["people who opened the join link, per room", row.label, row.value, row.extra]
        )
    for row in [*numbers.slots, numbers.outside_slots]:
        writer.writerow(
            ["people who opened the join link, per talk", row.label, row.value, row.extra]
        )
    for row in numbers.mail:
        writer.writerow(["mails sent", row.label, row.sent, ""])
        writer.writerow(["mails pending", row.label, row.pending, ""])
        writer.writerow(["mails failed", row.label, row.failed, ""])
        writer.writerow(["mails not sent (no longer applied)", row.label, row.dropped, ""])
    for row in numbers.questions:
        writer.writerow(["questions asked, answered", row.label, row.asked, row.answered])
    writer.writerow(["confirmed registrations", "", numbers.confirmed, ""])
    writer.writerow(["confirmed who opened a join link", "", numbers.confirmed_who_joined, ""])
    writer.writerow(
        ["no-show rate (%)", "", numbers.no_show_percent if numbers.confirmed else "", ""]
    )
    return response


def event_figures(request, pk):
    event = get_object_or_404(figures.events_visible_to(request.user), pk=pk)
    numbers = figures.event_figures(event)
    if request.GET.get("format") == "csv":
        return mark_private(_csv(event, numbers))
    registrations = [(day.isoformat(), new) for day, new, _total in numbers.registrations_by_day]
    context = {
        **admin.site.each_context(request),
        "title": _("Figures of %(event)s") % {"event": event.name},
        "event": event,
        "opts": event._meta,
        "figures": numbers,
        "registrations_chart": figures.column_chart(registrations),
        "status_chart": figures.bar_chart([(row.label, row.value) for row in numbers.statuses]),
        "room_chart": figures.bar_chart([(row.label, row.value) for row in numbers.rooms]),
        "mail_chart": figures.bar_chart([(row.label, row.sent) for row in numbers.mail]),
        "question_chart": figures.bar_chart([(row.label, row.asked) for row in numbers.questions]),
        "slot_chart": figures.bar_chart(
            [(row.label, row.value) for row in [*numbers.slots, numbers.outside_slots]]
        ),
    }
    return mark_private(TemplateResponse(request, "admin/schedule/event/figures.html", context))


figures_view = admin.site.admin_view(event_figures)
