"""What search engines and link previews read: absolute URLs and schema.org data."""

from __future__ import annotations

import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from .markup import plain_text

ONLINE = "https://schema.org/OnlineEventAttendanceMode"
SCHEDULED = "https://schema.org/EventScheduled"
CANCELLED = "https://schema.org/EventCancelled"

# The same escapes as django.utils.html.json_script: "</script>" and friends can
# never close the element, whatever a title or abstract contains.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def absolute_url(path: str, request=None) -> str:
    """``path`` as an absolute URL: on the request's own host and port when there is a
    request (pages), else on ``SITE_URL`` (mails, feeds, anything cached for everyone)."""
    if request is not None:
        return request.build_absolute_uri(path)
    return f"{settings.SITE_URL}{path}"


def url_in_language(request, language: str, path: str | None = None) -> str:
    """The absolute URL of this page in ``language``: plain for the site's default
    language, with ``?lang=ru`` for the others (what ``hreflang`` alternates name)."""
    url = absolute_url(path or request.path, request)
    if language == settings.LANGUAGE_CODE:
        return url
    return f"{url}?{settings.LANGUAGE_QUERY_PARAMETER}={language}"


def canonical_url(request, path: str | None = None) -> str:
    """This page's canonical URL, in the language it is shown in."""
    return url_in_language(request, translation.get_language(), path)


def language_alternates(request, path: str | None = None) -> list[tuple[str, str]]:
    """(hreflang, URL) of this page in every language, and the x-default."""
    alternates = [(code, url_in_language(request, code, path)) for code, _ in settings.LANGUAGES]
    return [*alternates, ("x-default", absolute_url(path or request.path, request))]


def media_url(field, request=None) -> str:
    if not field:
        return ""
    url = field.url
    return url if url.startswith(("http://", "https://")) else absolute_url(url, request)


def description_text(text: str, words: int = 30) -> str:
    return plain_text(text or "", words)


def jsonld_script(data: dict):
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308


def _organisation(name: str, url: str) -> dict | None:
    if not name:
        return None
    data = {"@type": "Organization", "name": name}
    if url:
        data["url"] = url
    return data


def _location(event, url: str) -> dict:
    return {"@type": "VirtualLocation", "url": event.stream_url or url}


def event_data(event, request=None) -> dict:
    url = absolute_url(event.get_absolute_url(), request)
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.name,
        "description": event.tagline or description_text(event.description),
        "url": url,
        "startDate": event.local_start.isoformat(),
        "endDate": event.local_end.isoformat(),
        "eventAttendanceMode": ONLINE,
        "eventStatus": SCHEDULED,
        "location": _location(event, url),
        "isAccessibleForFree": True,
    }
    if event.cover_image:
        data["image"] = [media_url(event.cover_image, request)]
    organiser = _organisation(event.organiser_name, event.organiser_url)
    if organiser:
        data["organizer"] = organiser
    if event.festival_name:
        festival = {"@type": "Event", "name": event.festival_name}
        if event.festival_url:
            festival["url"] = event.festival_url
        data["superEvent"] = festival
    return data


def talk_data(talk, event, request=None) -> dict:
    url = absolute_url(talk.get_absolute_url(), request)
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": talk.title,
        "description": description_text(talk.abstract) or event.name,
        "url": url,
        "startDate": event.local(talk.start).isoformat(),
        "endDate": event.local(talk.end).isoformat(),
        "eventAttendanceMode": ONLINE,
        "eventStatus": CANCELLED if talk.is_cancelled else SCHEDULED,
        "location": _location(event, url),
        "inLanguage": talk.language,
        "superEvent": {
            "@type": "Event",
            "name": event.name,
            "url": absolute_url(event.get_absolute_url(), request),
        },
        "performer": [
            {"@type": "Person", "name": s.name, "url": absolute_url(s.get_absolute_url(), request)}
            for s in talk.speaker_list
        ],
    }
    organiser = _organisation(event.organiser_name, event.organiser_url)
    if organiser:
        data["organizer"] = organiser
    if event.cover_image:
        data["image"] = [media_url(event.cover_image, request)]
    return data
