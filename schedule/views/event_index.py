"""The events index, ``/events/``: every event, upcoming first, then past ones.

Filtered by the language of its talks, by festival and by upcoming/past with a
plain GET form (no JavaScript), and paginated. The filter's choices are the
languages and festivals that visible events have, so the form never offers an
empty result, and a visitor without a session gets the page from the cache only
for queries made of those known values (``anonymous_page_key``).
"""

from __future__ import annotations

from urllib.parse import urlencode

from django import forms
from django.conf import settings
from django.core.cache import caches
from django.db.models import BooleanField, Case, Exists, F, OuterRef, Value, When
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from django.views.generic import ListView

from .. import seo
from ..access import private_response
from ..models import Event, Talk, can_preview
from .public import ANONYMOUS_PAGE_SECONDS, cached_for_anonymous

PAGE_SIZE = 12
CHOICES_CACHE_KEY = "events-index:choices"
FILTERS = ("language", "festival", "when")
UPCOMING, PAST = "upcoming", "past"


def language_name(code: str) -> str:
    """ "English" for "en" (in the page's language); the code itself when Django
    does not know it."""
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def filter_choices(user) -> dict[str, list[str]]:
    """The talk languages and festival names of the events ``user`` may see.

    Two queries; for the public (no preview) kept in the page cache as long as a page.
    """
    preview = can_preview(user)
    if not preview:
        cached = caches["pages"].get(CHOICES_CACHE_KEY)
        if cached is not None:
            return cached
    events = Event.objects.visible_to(user)
    choices = {
        "language": list(
            Talk.objects.public()
            .filter(event__in=events)
            .order_by("language")
            .values_list("language", flat=True)
            .distinct()
        ),
        "festival": list(
            events.exclude(festival_name="")
            .order_by("festival_name")
            .values_list("festival_name", flat=True)
            .distinct()
        ),
    }
    if not preview:
        caches["pages"].set(CHOICES_CACHE_KEY, choices, ANONYMOUS_PAGE_SECONDS)
    return choices


def index_query_key(request) -> str | None:
    """The canonical query of a shareable index page, or None when any value is unknown."""
    params = set(request.GET) - {"tz", settings.LANGUAGE_QUERY_PARAMETER}
    if params - {*FILTERS, "page"}:
        return None
    choices = filter_choices(request.user)
    parts = []
    for name in sorted(params):
        values = request.GET.getlist(name)
        if len(values) != 1:
            return None
        value = values[0]
        if name == "page":
            known = value.isdigit() and len(value) <= 4
        elif name == "when":
            known = value in ("", UPCOMING, PAST)
        else:
            known = value == "" or value in choices[name]
        if not known:
            return None
        parts.append((name, value))
    return urlencode(parts)


class EventFilterForm(forms.Form):
    language = forms.ChoiceField(label=_("Talk language"), required=False)
    festival = forms.ChoiceField(label=_("Festival"), required=False)
    when = forms.ChoiceField(
        label=_("When"),
        required=False,
        choices=[("", _("Upcoming and past")), (UPCOMING, _("Upcoming")), (PAST, _("Past"))],
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("Any language"))] + [
            (code, language_name(code)) for code in choices["language"]
        ]
        self.fields["festival"].choices = [("", _("All festivals"))] + [
            (name, name) for name in choices["festival"]
        ]
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = _(
                "“%(value)s” is not one of the choices: pick one from the list."
            )


def filtered_events(user, filters: dict, now):
    """Visible events matching ``filters``: upcoming ones by start, then past ones, latest first."""
    events = Event.objects.visible_to(user).annotate(
        is_over=Case(
            When(end__lt=now, then=Value(True)), default=Value(False), output_field=BooleanField()
        )
    )
    if filters.get("language"):
        events = events.filter(
            Exists(Talk.objects.public().filter(event=OuterRef("pk"), language=filters["language"]))
        )
    if filters.get("festival"):
        events = events.filter(festival_name=filters["festival"])
    if filters.get("when") == UPCOMING:
        events = events.filter(end__gte=now)
    elif filters.get("when") == PAST:
        events = events.filter(end__lt=now)
    upcoming_start = Case(When(end__gte=now, then=F("start")))
    return events.order_by("is_over", upcoming_start.asc(nulls_last=True), F("start").desc(), "pk")


@method_decorator(
    [private_response, cached_for_anonymous(query_key=index_query_key)], name="dispatch"
)
class EventIndexView(ListView):
    template_name = "schedule/events/index.html"
    context_object_name = "events"
    paginate_by = PAGE_SIZE

    def get(self, request, *args, **kwargs):
        self.now = timezone.now()
        self.form = EventFilterForm(request.GET, choices=filter_choices(request.user))
        response = super().get(request, *args, **kwargs)
        if self.form.errors:
            # The page explains the bad value and lists every event.
            response.status_code = 400
        return response

    def get_queryset(self):
        filters = self.form.cleaned_data if self.form.is_valid() else {}
        return filtered_events(self.request.user, filters, self.now)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        events = context["events"]
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(
            form=self.form,
            upcoming=[event for event in events if not event.is_over],
            past=[event for event in events if event.is_over],
            live_ids={event.pk for event in events if event.start <= self.now <= event.end},
            filtered=any(self.form.cleaned_data.get(name) for name in FILTERS)
            if self.form.is_valid()
            else False,
            page_query=query.urlencode(),
            canonical_url=seo.canonical_url(self.request),
        )
        return context
