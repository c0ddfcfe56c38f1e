"""Public pages: home, event landing, schedule, talk and speaker pages.

The user-independent parts of a page (programme, schedule grid, talk and speaker
bodies) come from ``schedule.cache``; the join panel and navigation are rendered
around them on every request. Staff previews (drafts, unpublished events) are
never cached.
"""

from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views import View
from django.views.generic import ListView

from .. import cache as fragments
from .. import programme, seo
from ..access import access_context, mark_private
from ..context_processors import site as site_context
from ..models import Event, Speaker, Talk, TalkSpeaker
from ..timezones import (
    EVENT_MODE,
    VIEWER_MODE,
    ZoneView,
    city_name,
    zone_request_key,
    zone_view_for,
)


def _is_staff(user) -> bool:
    return bool(user.is_authenticated and user.is_staff)


class PrivatePageMixin:
    """Navigation and join panel are per user: never in a shared cache."""

    def dispatch(self, request, *args, **kwargs):
        return mark_private(super().dispatch(request, *args, **kwargs))


class HomeView(PrivatePageMixin, ListView):
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
        context["canonical_url"] = seo.absolute_url(self.request.path, self.request)
        return context


def cached_parts(request, event, kind, zones, now, render_parts, *key_parts, keys=None):
    """The user-independent HTML of an event page: ``render_parts(talks)`` on a miss.

    Returns (parts, marker instants); staff get a fresh render including drafts
    and no instants (their pages are never cached whole). The parts' cache key is
    appended to ``keys`` when given (not for staff).
    """
    if _is_staff(request.user):
        return render_parts(programme.load_talks(event, request.user)), None
    version = fragments.version_of(event)
    talks = None
    bounds_key = fragments.bounds_key(event.pk, version)
    points = fragments.get_fragment(bounds_key)
    if points is None:
        talks = programme.load_talks(event)
        points = programme.boundaries(event, talks)
        fragments.set_fragment(bounds_key, points)
    key = fragments.fragment_key(
        kind, event.pk, version, zones.cache_key, programme.now_bucket(points, now), *key_parts
    )
    parts = fragments.get_fragment(key)
    if parts is None:
        if talks is None:
            talks = programme.load_talks(event)
        parts = render_parts(talks)
        fragments.set_fragment(key, parts)
    if keys is not None:
        keys.append(key)
    return parts, points


# Stand for the per-request parts of a page rendered once for every signed-in user:
# the user's CSRF token and the join panel.
CSRF_PLACEHOLDER = "eventsiteCsrfPlaceholder0000000000000000000000000000000000000000"
JOIN_PANEL_PLACEHOLDER = mark_safe("<!--eventsite:join-panel-->")


def signed_in_shell_key(request, *parts) -> str | None:
    """Key of a whole page for any signed-in visitor with the same navigation.

    For a page whose per-user parts are the header and the join panel: the
    navigation depends on the user only through "is a speaker" (staff, who also
    see Admin, never get here) and the CSRF token of the sign-out form, which is
    put in per request, like the join panel. ``parts`` name everything else the
    page depends on (a versioned fragment key, the URL...). None when the page
    must be rendered: anonymous, staff, or messages waiting to be shown.
    """
    from django.contrib.messages import get_messages

    user = request.user
    if not user.is_authenticated or user.is_staff or len(get_messages(request)):
        return None
    return fragments.fragment_key("signed-in-page", *parts, hasattr(user, "speaker"))


def render_signed_in_shell(request, key, render_page, join_panel=""):
    """The page of ``render_page(csrf_token, join_panel)`` from the cache, with this
    user's token and ``join_panel`` put in."""
    shell = fragments.get_fragment(key)
    if shell is None:
        shell = render_page(CSRF_PLACEHOLDER, JOIN_PANEL_PLACEHOLDER).content
        fragments.set_fragment(key, shell)
    return fill_shell(request, shell, join_panel)


def fill_shell(request, shell: bytes, join_panel="") -> HttpResponse:
    page = shell.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
    if join_panel:
        page = page.replace(JOIN_PANEL_PLACEHOLDER.encode(), join_panel.encode(), 1)
    return HttpResponse(page)


class EventPageView(PrivatePageMixin, View):
    """Shared by the event pages: the event (one query), zones, now, preview flag.

    Cookie-less visitors (the crowd opening a link) get the whole page from the
    cache, stored with the event's marker instants so that "live now" stays right;
    everyone else gets cached fragments with their own navigation and join panel.
    """

    template_name = ""
    page_kind = ""

    def get(self, request, slug, **kwargs):
        page_key = fragments.anonymous_page_key(request, self.page_kind)
        if page_key:
            stored = fragments.get_fragment(page_key)
            if stored:
                points, bucket, content = stored
                if programme.now_bucket(points, timezone.now()) == bucket:
                    return HttpResponse(content)
        self.now, self.points = timezone.now(), None
        event = self.get_event()
        zones = zone_view_for(request, event.timezone)
        context = self.base_context(event, zones, self.now)
        response = self.render_page(request, event, zones, context, **kwargs)
        if page_key and response.status_code == 200 and self.points is not None:
            bucket = programme.now_bucket(self.points, self.now)
            fragments.set_fragment(page_key, (self.points, bucket, response.content))
        return response

    def render_page(self, request, event, zones, context, **kwargs):
        """The page for ``event``; ``context`` holds what all event pages show."""
        raise NotImplementedError

    def respond(self, request, event, context, parts_keys, *, join_panel=False):
        """Render the page: for signed-in visitors from one cached page per
        navigation shape (``parts_keys`` name the cached parts it is made of),
        with the join panel, when ``join_panel``, rendered for this user."""
        panel = ""
        if join_panel and not context["is_past"]:
            panel = render_to_string(
                "includes/join_panel.html",
                {**context, **access_context(request, event, now=self.now)},
                request,
            )
        shell_key = signed_in_shell_key(request, *parts_keys) if parts_keys else None
        if shell_key:
            return render_signed_in_shell(
                request,
                shell_key,
                lambda token, placeholder: render(
                    request,
                    self.template_name,
                    {**context, "csrf_token": token, "join_panel": placeholder},
                ),
                panel,
            )
        return render(request, self.template_name, {**context, "join_panel": panel})

    def get_event(self):
        if _is_staff(self.request.user):  # drafts and unpublished events: never cached
            return get_object_or_404(Event.objects.all(), slug=self.kwargs["slug"])
        event = fragments.published_event(self.kwargs["slug"])
        if event is None:
            raise Http404("No such event.")
        return event

    def base_context(self, event, zones, now):
        one_day = event.local_start.date() == event.local_end.date()
        return {
            "event_when": (
                zones.range_label(event.start, event.end) if one_day else zones.label(event.start)
            ),
            "event_when_prefix": "" if one_day else "from ",
            "event": event,
            "zones": zones,
            "zone_switch": zone_switch(zones),
            "now": now,
            "is_past": event.is_past(now),
            "is_happening": event.start <= now <= event.end,
            "preview": not event.is_published,
        }


def zone_switch(zones: ZoneView) -> list[dict]:
    """The two choices of the zone control, as links that work without JS."""
    if not zones.viewer_zone_name:
        return []
    return [
        {
            "param": EVENT_MODE,
            "label": f"{city_name(zones.event_zone_name)} (event)",
            "current": zones.mode == EVENT_MODE,
        },
        {
            "param": VIEWER_MODE,
            "label": f"{city_name(zones.viewer_zone_name)} (yours)",
            "current": zones.mode == VIEWER_MODE,
        },
    ]


class EventDetailView(EventPageView):
    template_name = "schedule/event_detail.html"
    page_kind = "landing-page"

    def render_page(self, request, event, zones, context):
        now = self.now

        def render_parts(talks):
            talk_entries = programme.entries(talks, zones, now)
            rooms = sorted(
                {t.room for t in talks}, key=lambda room: (room.position, room.name, room.pk)
            )
            fragment_context = {
                **context,
                "talk_entries": talk_entries,
                "rooms": rooms,
                "multi_room": len(rooms) > 1,
                "has_live_qa": any(t.live_qa_minutes for t in talks if not t.is_cancelled),
                "recordings": [e for e in talk_entries if e.talk.recording_url],
            }
            return {
                "programme": fragments.compact_html(
                    render_to_string("schedule/parts/programme.html", fragment_context)
                ),
                "participate": render_to_string(
                    "schedule/parts/participate.html", fragment_context
                ),
            }

        keys = []
        context["parts"], self.points = cached_parts(
            request, event, "landing-parts", zones, now, render_parts, keys=keys
        )
        context.update(
            canonical_url=seo.absolute_url(event.get_absolute_url(), request),
            description=event.tagline or seo.description_text(event.description),
            og_image=seo.media_url(event.cover_image, request),
            jsonld=seo.jsonld_script(seo.event_data(event, request)),
        )
        return self.respond(request, event, context, keys, join_panel=True)


class EventScheduleView(EventPageView):
    template_name = "schedule/event_schedule.html"
    page_kind = "schedule-page"

    def render_page(self, request, event, zones, context):
        now = self.now

        context.update(
            canonical_url=seo.absolute_url(request.path, request),
            description=f"Schedule of {event.name}, {event.timezone_label}.",
            og_image=seo.media_url(event.cover_image, request),
        )

        def render_parts(talks):
            # <head> links and everything inside <main>: only the header with its
            # navigation (the user's) is rendered per request.
            rooms, days = programme.schedule_days(programme.entries(talks, zones, now), zones)
            fragment_context = {
                **context,
                **site_context(request),
                "page_title": f"Schedule of {event.name}",
            }
            grid = render_to_string(
                "schedule/parts/schedule_grid.html", {**context, "rooms": rooms, "days": days}
            )
            main = render_to_string(
                "schedule/parts/schedule_main.html", {**fragment_context, "grid": grid}
            )
            return {
                "meta": render_to_string("includes/social_meta.html", fragment_context),
                "head": render_to_string("includes/feed_alternate_links.html", fragment_context),
                "main": fragments.compact_html(main),
            }

        keys = []
        context["parts"], self.points = cached_parts(
            request, event, "schedule-parts", zones, now, render_parts, keys=keys
        )
        return self.respond(request, event, context, keys)


class TalkDetailView(EventPageView):
    template_name = "schedule/talk_detail.html"
    page_kind = "talk-page"

    def render_page(self, request, event, zones, context, talk):
        now = self.now

        def render_parts(talks):
            entry = next(
                (e for e in programme.entries(talks, zones, now) if e.talk.slug == talk), None
            )
            if entry is None:
                raise Http404("No such talk.")
            fragment_context = {
                **context,
                "entry": entry,
                "talk": entry.talk,
                "day": programme.day_label(entry.when.local),
            }
            return {
                "body": render_to_string("schedule/parts/talk_body.html", fragment_context),
                "title": entry.talk.title,
                "description": seo.description_text(entry.talk.abstract)
                or f"A talk at {event.name}.",
                "jsonld": str(seo.jsonld_script(seo.talk_data(entry.talk, event, request))),
                "is_draft": entry.is_draft,
            }

        keys = []
        parts, self.points = cached_parts(
            request, event, "talk", zones, now, render_parts, talk, keys=keys
        )
        context.update(
            parts=parts,
            preview=context["preview"] or parts["is_draft"],
            canonical_url=seo.absolute_url(request.path, request),
            og_image=seo.media_url(event.cover_image, request),
        )
        return self.respond(request, event, context, keys, join_panel=True)


class SpeakerDetailView(PrivatePageMixin, View):
    template_name = "schedule/speaker_detail.html"

    def get(self, request, slug):
        page_key = fragments.anonymous_page_key(request, "speaker-page")
        content = fragments.get_fragment(page_key) if page_key else None
        if content is not None:
            return HttpResponse(content)
        shell_key = None
        if not set(request.GET) - {"tz"}:  # random query strings never fill the cache
            shell_key = signed_in_shell_key(
                request,
                "speaker-page",
                request.get_full_path(),
                fragments.site_version(),
                zone_request_key(request),
            )
        shell = fragments.get_fragment(shell_key) if shell_key else None
        if shell is not None:
            return fill_shell(request, shell)
        speaker = get_object_or_404(Speaker.objects.visible_to(request.user), slug=slug)
        if shell_key and speaker.has_public_talks:
            # A public profile looks the same to every signed-in visitor.
            shell = self.render_page(request, speaker, CSRF_PLACEHOLDER).content
            fragments.set_fragment(shell_key, shell)
            return fill_shell(request, shell)
        response = self.render_page(request, speaker)
        if page_key:
            fragments.set_fragment(page_key, response.content)
        return response

    def render_page(self, request, speaker, csrf_token=None):
        # Talks of several events: keep the viewer's choice, each talk adds its zone.
        choice = zone_view_for(request, "")
        viewer, mode = choice.viewer_zone_name, choice.mode
        key = fragments.fragment_key(
            "speaker", speaker.pk, fragments.site_version(), f"{mode}:{viewer or ''}"
        )
        parts = fragments.get_fragment(key)
        if parts is None:
            parts = {"body": self.render_body(speaker, viewer, mode)}
            fragments.set_fragment(key, parts)
        context = {
            "speaker": speaker,
            "parts": parts,
            "preview": not speaker.has_public_talks,
            "canonical_url": seo.absolute_url(speaker.get_absolute_url(), request),
            "description": speaker.headline or seo.description_text(speaker.bio),
            "og_image": seo.media_url(speaker.photo, request),
        }
        if csrf_token:
            context["csrf_token"] = csrf_token
        return render(request, self.template_name, context)

    @staticmethod
    def render_body(speaker, viewer, mode):
        links = (
            TalkSpeaker.objects.filter(
                speaker=speaker, talk__state=Talk.State.PUBLISHED, talk__event__is_published=True
            )
            .select_related("talk__event", "talk__room")
            .order_by("-talk__start")
        )
        talks = []
        for link in links:
            event = link.talk.event
            zones = (
                ZoneView(event.timezone, viewer, mode)
                if viewer and viewer != event.timezone
                else ZoneView(event.timezone)
            )
            talks.append(
                {
                    "talk": link.talk,
                    "event": event,
                    "when": zones.range_label(link.talk.start, link.talk.end),
                    "day": programme.day_label(zones.localtime(link.talk.start)),
                }
            )
        return render_to_string(
            "schedule/parts/speaker_body.html", {"speaker": speaker, "talks": talks}
        )
