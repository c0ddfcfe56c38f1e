"""Calendar and schedule feeds: iCalendar, frab/c3voc XML and JSON, the personal feed.

Public feeds carry an ETag made of the event's version, so a calendar app polling
an unchanged schedule costs one query (the event) and gets a 304; a changed one is
built once per version and served from the cache (``feeds.cached_feed``). The
personal feed is built per request and sent with ``Cache-Control: private``.
"""

import hashlib

from django.conf import settings
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import quote_etag
from django.views.decorators.http import require_safe

from .. import feeds, frab
from ..models import Event, Talk

ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"
JSON_CONTENT_TYPE = "application/json"
XML_CONTENT_TYPE = f"{frab.XML_CONTENT_TYPE}; charset=utf-8"
# Shared caches and calendar apps may keep a public feed this long without asking.
PUBLIC_MAX_AGE = 5 * 60


def _public_feed(request, event, kind, build, content_type, filename=""):
    """A public feed of ``event``: 304 when unchanged, else the cached or built body."""
    key = f"{settings.RELEASE}:{feeds.feed_key(event, kind)}"
    etag = quote_etag(hashlib.sha256(key.encode()).hexdigest()[:32])
    response = get_conditional_response(request, etag=etag)
    if response is None:
        response = HttpResponse(feeds.cached_feed(event, kind, build), content_type=content_type)
        if filename:
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
    return response


def _published_event(slug):
    return get_object_or_404(Event.objects.published(), slug=slug)


@require_safe
def event_ics(request, slug):
    event = _published_event(slug)

    def build():
        return feeds.event_calendar(event, event.talks.public().for_schedule())

    return _public_feed(request, event, "ics", build, ICS_CONTENT_TYPE)


@require_safe
def talk_ics(request, slug, talk):
    talk = get_object_or_404(
        Talk.objects.public().filter(event__is_published=True).select_related("event"),
        event__slug=slug,
        slug=talk,
    )

    def build():
        return feeds.talk_calendar(Talk.objects.for_schedule().get(pk=talk.pk))

    return _public_feed(
        request, talk.event, f"talk-{talk.pk}", build, ICS_CONTENT_TYPE, f"{talk.slug}.ics"
    )


def _schedule_data(event):
    return frab.schedule_data(
        event, event.talks.published().for_schedule(), event.rooms.all(), str(event.version)
    )


@require_safe
def schedule_xml(request, slug):
    event = _published_event(slug)

    def build():
        return frab.schedule_xml(_schedule_data(event))

    return _public_feed(request, event, "xml", build, XML_CONTENT_TYPE)


@require_safe
def schedule_json(request, slug):
    event = _published_event(slug)

    def build():
        return frab.schedule_json(_schedule_data(event))

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
