"""Public pages: home, event landing, schedule, talk and speaker pages.

Each page is an ordinary template. The expensive, user-independent parts (the
programme and the schedule grid) are ``{% cache %}`` fragments keyed on
``Programme.key``: the event's version, the markers' moment, the viewer's zones
and the language. The navigation and the join panel are rendered per request.

A visitor with no session (the crowd that follows a shared link) gets the whole
page from the cache, at most ``ANONYMOUS_PAGE_SECONDS`` old: such a page has no
user in it, no form and no CSRF token.
"""

from functools import wraps

from django.conf import settings
from django.core.cache import caches
from django.http import Http404, HttpResponse
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.generic import DetailView, ListView

from .. import formats, seo, talk_languages
from ..access import access_context, private_response
from ..models import Event, Speaker, TalkSpeaker, can_preview
from ..programme import Programme
from ..timezones import (
    EVENT_MODE,
    VIEWER_MODE,
    ZoneView,
    city_label,
    is_valid_timezone,
    viewer_timezone_name,
    zone_view_for,
)

ANONYMOUS_PAGE_SECONDS = 5


def anonymous_page_key(request) -> str | None:
    """The cache key of this page for a visitor without a session, else None.

    Made of what the page can differ by, each value checked: the path, the zone
    choice (``?tz=``) and the zone cookie, the language, the talk language filter
    (``?language=``). Any other query string skips the cache, so made-up URLs
    cannot fill it.
    """
    cookies = request.COOKIES
    if request.method != "GET" or settings.SESSION_COOKIE_NAME in cookies or "messages" in cookies:
        return None
    if set(request.GET) - {
        "tz",
        settings.LANGUAGE_QUERY_PARAMETER,
        talk_languages.FILTER_PARAMETER,
    }:
        return None
    choice = request.GET.get("tz", "")
    if choice not in (EVENT_MODE, VIEWER_MODE) and not is_valid_timezone(choice):
        choice = ""
    zone = viewer_timezone_name(request) or ""
    talks_in = talk_languages.chosen(request)
    return f"page:{request.path}:{choice}:{zone}:{translation.get_language()}:{talks_in}"


def cached_for_anonymous(view):
    """Serve ``view``'s page to visitors without a session from the cache."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        key = anonymous_page_key(request)
        if key is None:
            return view(request, *args, **kwargs)
        content = caches["pages"].get(key)
        if content is not None:
            return HttpResponse(content)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render"):
            response.render()
        # A page that used a CSRF token (a form) is never shared.
        if response.status_code == 200 and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
            caches["pages"].set(key, response.content, ANONYMOUS_PAGE_SECONDS)
        return response

    return wrapped


public_page = [private_response, cached_for_anonymous]


@method_decorator(public_page, name="dispatch")
class HomeView(ListView):
    template_name = "schedule/home.html"
    context_object_name = "events"

    def get_queryset(self):
        return Event.objects.visible_to(self.request.user).order_by("start")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        now = timezone.now()
        events = list(context["events"])
        context["upcoming"] = [e for e in events if e.end >= now]
        context["live_ids"] = {e.pk for e in events if e.start <= now <= e.end}
        context["past"] = [e for e in events if e.end < now][::-1]
        context["canonical_url"] = seo.canonical_url(self.request)
        return context


def zone_switch(zones: ZoneView) -> list[dict]:
    """The two choices of the zone control, as links that work without JS."""
    if not zones.viewer_zone_name:
        return []
    return [
        {
            "param": EVENT_MODE,
            "label": _("%(city)s (event)") % {"city": city_label(zones.event_zone_name)},
            "current": zones.mode == EVENT_MODE,
        },
        {
            "param": VIEWER_MODE,
            "label": _("%(city)s (yours)") % {"city": city_label(zones.viewer_zone_name)},
            "current": zones.mode == VIEWER_MODE,
        },
    ]


@method_decorator(public_page, name="dispatch")
class EventPageView(DetailView):
    """What every page of one event shows: the event, the viewer's zones, the programme.

    The join panel (``join_panel = True``) reads this user's registration on every request.
    """

    model = Event
    join_panel = False
    talk_filter = False  # the schedule can be filtered by talk language (?language=ru)

    def get_queryset(self):
        return Event.objects.visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event, request, now = self.object, self.request, timezone.now()
        zones = zone_view_for(request, event.timezone)
        one_day = event.local_start.date() == event.local_end.date()
        talk_language = talk_languages.chosen(request) if self.talk_filter else ""
        context.update(
            zones=zones,
            zone_switch=zone_switch(zones),
            programme=Programme(
                event,
                zones,
                now,
                preview=can_preview(request.user),
                talk_language=talk_language,
            ),
            talk_language=talk_language,
            event_days=zones.day_span(event.start, event.end),
            event_when=(
                zones.range_label(event.start, event.end) if one_day else zones.label(event.start)
            ),
            event_when_prefix="" if one_day else _("from") + " ",
            is_past=event.is_past(now),
            is_happening=event.start <= now <= event.end,
            preview=not event.is_published,
            canonical_url=seo.canonical_url(request),
            og_image=seo.media_url(event.cover_image, request),
        )
        if self.join_panel and not context["is_past"]:
            context.update(access_context(request, event, now=now))
        return context


class EventDetailView(EventPageView):
    template_name = "schedule/event_detail.html"
    join_panel = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.object
        context.update(
            canonical_url=seo.canonical_url(self.request, event.get_absolute_url()),
            description=event.tagline or seo.description_text(event.description_html),
            jsonld=seo.jsonld_script(seo.event_data(event, self.request)),
        )
        return context


class EventScheduleView(EventPageView):
    template_name = "schedule/event_schedule.html"
    talk_filter = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event = self.object
        context["talk_language_choices"] = talk_languages.choices(context["talk_language"])
        context["description"] = _("Schedule of %(event)s, %(zone)s.") % {
            "event": event.name,
            "zone": event.timezone_label,
        }
        return context


class TalkDetailView(EventPageView):
    template_name = "schedule/talk_detail.html"
    join_panel = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        event, programme, request = self.object, context["programme"], self.request
        talks = event.talks.all() if programme.preview else event.talks.public()
        talk = talks.select_related("room").filter(slug=self.kwargs["talk"]).first()
        if talk is None:
            raise Http404(_("No such talk."))
        talk.event = event
        context.update(
            talk=talk,
            preview=context["preview"] or talk.state == talk.State.DRAFT,
            description=seo.description_text(talk.abstract_html)
            or _("A talk at %(event)s.") % {"event": event.name},
            # Called by the template inside its fragments only: a cached page asks nothing more.
            talk_entry=lambda: programme.entry(talk),
            jsonld=lambda: seo.jsonld_script(seo.talk_data(talk, event, request)),
        )
        return context


@method_decorator(public_page, name="dispatch")
class SpeakerDetailView(DetailView):
    template_name = "schedule/speaker_detail.html"
    context_object_name = "speaker"

    model = Speaker

    def get_object(self, queryset=None):
        speaker = super().get_object(queryset)
        self.links = list(
            TalkSpeaker.objects.public()
            .filter(speaker=speaker)
            .select_related("talk__event", "talk__room")
            .order_by("-talk__start")
        )
        if not speaker.is_visible_to(self.request.user, has_public_talks=bool(self.links)):
            raise Http404(_("No such speaker."))
        return speaker

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        speaker, request = self.object, self.request
        # Talks of several events: each keeps the viewer's choice of zone.
        choice = zone_view_for(request, "")
        talks = []
        for link in self.links:
            talk, event = link.talk, link.talk.event
            viewer = choice.viewer_zone_name
            zones = ZoneView(event.timezone, viewer, choice.mode)
            if viewer in (None, event.timezone):
                zones = ZoneView(event.timezone)
            when = zones.range_label(talk.start, talk.end)
            talks.append(
                {"talk": talk, "event": event, "when": when, "day": formats.day(when.local)}
            )
        context.update(
            talks=talks,
            preview=not self.links,
            canonical_url=seo.canonical_url(request, speaker.get_absolute_url()),
            description=speaker.headline or seo.description_text(speaker.bio_html),
            og_image=seo.media_url(speaker.photo, request),
        )
        return context
