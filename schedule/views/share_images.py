"""The share images of event, talk and speaker pages (``og:image``), as PNG.

Each image is drawn once per version of what it shows and kept in the page cache:
an event's and a talk's under ``Event.version`` (bumped by any change of the event,
its talks and their speakers), a speaker's under ``Speaker.updated_at``. The ETag
names that version, so a crawler asking again gets a 304 after one query.

The language of the dates is the one the URL names (``?lang=ru``), else the site's
default, never the browser's: one URL is one image for every shared cache.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import caches
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import quote_etag
from django.views.decorators.http import require_safe

from .. import share_images
from ..models import Event, Speaker, Talk, TalkSpeaker
from ..share_images import SITE_NAME

# Link previews are fetched by crawlers; a day in the cache, an hour in theirs.
SHARE_CACHE_SECONDS = 24 * 3600
SHARE_MAX_AGE = 3600


def image_language(request) -> str:
    language = request.GET.get(settings.LANGUAGE_QUERY_PARAMETER)
    codes = {code for code, _ in settings.LANGUAGES}
    return language if language in codes else settings.LANGUAGE_CODE


def _png(request, key: str, card):
    """304 when the client holds this version, else the cached or newly drawn PNG.

    ``card()`` makes the ``share_images.Card``; it is called only to draw.
    """
    language = image_language(request)
    key = f"share:{key}:{language}"
    etag = quote_etag(hashlib.sha256(f"{settings.RELEASE}:{key}".encode()).hexdigest()[:32])
    response = get_conditional_response(request, etag=etag)
    if response is None:
        png = caches["pages"].get(key)
        if png is None:
            with translation.override(language):
                png = share_images.draw(card())
            caches["pages"].set(key, png, SHARE_CACHE_SECONDS)
        response = HttpResponse(png, content_type="image/png")
    response["ETag"] = etag
    patch_cache_control(response, public=True, max_age=SHARE_MAX_AGE)
    return response


def event_speakers(event) -> list[Speaker]:
    """The speakers of the event's published talks, each once, in programme order."""
    links = (
        TalkSpeaker.objects.filter(talk__event=event, talk__state=Talk.State.PUBLISHED)
        .select_related("speaker")
        .order_by("talk__start", "talk__room__position", "position", "pk")
    )
    seen, speakers = set(), []
    for link in links:
        if link.speaker_id not in seen:
            seen.add(link.speaker_id)
            speakers.append(link.speaker)
    return speakers


@require_safe
def event_share_image(request, slug):
    event = get_object_or_404(Event.objects.published(), slug=slug)
    return _png(
        request,
        f"event:{event.pk}:{event.version}",
        lambda: share_images.event_card(event, event_speakers(event), SITE_NAME),
    )


@require_safe
def talk_share_image(request, slug, talk):
    event = get_object_or_404(Event.objects.published(), slug=slug)

    def card():
        found = event.talks.public().for_schedule().filter(slug=talk).first()
        if found is None:
            raise Http404("No such talk.")
        return share_images.talk_card(found, event, SITE_NAME)

    # The version covers the talk: a talk made a draft or deleted changes it, so a
    # cached image is only ever one of a public talk.
    return _png(request, f"talk:{event.pk}:{event.version}:{talk}", card)


@require_safe
def speaker_share_image(request, slug):
    speaker = get_object_or_404(Speaker, slug=slug)
    # The same rule as the speaker page: public with a public talk (no preview here).
    if not TalkSpeaker.objects.public().filter(speaker=speaker).exists():
        raise Http404("No such speaker.")
    version = speaker.updated_at.timestamp()
    return _png(
        request,
        f"speaker:{speaker.pk}:{version}",
        lambda: share_images.speaker_card(speaker, SITE_NAME),
    )
