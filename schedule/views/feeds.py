"""Calendar and schedule feeds: iCalendar, frab/c3voc XML and JSON, the personal feed.

Public feeds are served from the per-event feed cache with an ETag and
Last-Modified, so a calendar app polling an unchanged schedule costs no query (the event and
the feed version come from the cache, ``feeds.current_feed_version``) and gets a
304. The personal feed is built per request and sent with ``Cache-Control: private``.
"""

import hashlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, resolve_url
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date, quote_etag
from django.views.decorators.http import require_POST, require_safe

from .. import cache as fragments
from .. import feeds, frab
from ..models import Room, Talk
from .redirects import redirect_to_next

ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"
JSON_CONTENT_TYPE = "application/json"
XML_CONTENT_TYPE = f"{frab.XML_CONTENT_TYPE}; charset=utf-8"
# Shared caches and calendar apps may keep a public feed this long without asking.
PUBLIC_MAX_AGE = 5 * 60


def _public_feed(request, event, kind, build, content_type, filename=""):
    """A public feed of ``event``: 304 when unchanged, else the cached or built body."""
    version = feeds.current_feed_version(event)
    key = feeds.feed_cache_key(event, kind, version)
    etag = quote_etag(hashlib.sha256(key.encode()).hexdigest()[:32])
    timestamp = int(version.last_modified.timestamp())  # HTTP dates have whole seconds
    last_modified = http_date(timestamp)
    response = get_conditional_response(request, etag=etag, last_modified=timestamp)
    if response is None:
        body = feeds.cached_feed(event, kind, lambda: build(version), version)
        response = HttpResponse(body, content_type=content_type)
        if filename:
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["ETag"] = etag
    response["Last-Modified"] = last_modified
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


def _published_event(slug):
    event = fragments.published_event(slug)
    if event is None:
        raise Http404("No such event.")
    return event


@require_safe
def event_ics(request, slug):
    event = _published_event(slug)

    def build(version):
        return feeds.event_calendar(event, event.talks.public().for_schedule())

    return _public_feed(request, event, "ics", build, ICS_CONTENT_TYPE)


@require_safe
def talk_ics(request, slug, talk):
    talk = get_object_or_404(
        Talk.objects.public().filter(event__is_published=True).select_related("event"),
        event__slug=slug,
        slug=talk,
    )

    def build(version):
        return feeds.talk_calendar(Talk.objects.for_schedule().get(pk=talk.pk))

    return _public_feed(
        request, talk.event, f"talk-{talk.pk}", build, ICS_CONTENT_TYPE, f"{talk.slug}.ics"
    )


def _schedule_data(event, version):
    return frab.schedule_data(
        event,
        event.talks.published().for_schedule(),
        Room.objects.filter(event=event).order_by("position", "name"),
        version=version.token[:12],
    )


@require_safe
def schedule_xml(request, slug):
    event = _published_event(slug)

    def build(version):
        return frab.schedule_xml(_schedule_data(event, version))

    return _public_feed(request, event, "xml", build, XML_CONTENT_TYPE)


@require_safe
def schedule_json(request, slug):
    event = _published_event(slug)

    def build(version):
        return frab.schedule_json(_schedule_data(event, version))

    return _public_feed(request, event, "json", build, JSON_CONTENT_TYPE)


@require_safe
def personal_ics(request, token):
    """The token authenticates: no session, and an unknown or old token is a 404."""
    user = get_object_or_404(get_user_model(), calendar_token=token, is_active=True)
    body = feeds.personal_calendar(user)
    etag = quote_etag(hashlib.sha256(body).hexdigest()[:32])
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(body, content_type=ICS_CONTENT_TYPE)
    response["ETag"] = etag
    # It may carry join links: never in a shared cache, always revalidated.
    patch_cache_control(response, private=True, no_cache=True)
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_required
@require_POST
def calendar_token_reset(request):
    """Give the user's personal feed a new secret address; the old one becomes a 404."""
    request.user.reset_calendar_token()
    messages.success(
        request,
        "Your calendar feed has a new address. Calendars subscribed to the old one "
        "stop updating: subscribe again with the new address.",
    )
    return redirect_to_next(request, resolve_url(settings.LOGIN_REDIRECT_URL))
