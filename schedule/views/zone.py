"""The zone picker: for visitors without JavaScript, whose browser cannot say its zone.

``GET /zone/?tz=America/New_York&next=/events/x/`` stores the zone in the ``tz``
cookie (as site.js does) and returns to ``next``; without a valid ``tz`` it shows
the form. A signed-in person's profile zone still comes first.
"""

from urllib.parse import quote

from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..timezones import TZ_COOKIE, is_valid_timezone, timezone_choices
from .redirects import is_same_site_path

COOKIE_MAX_AGE = 365 * 24 * 3600


@require_safe
def zone_picker(request):
    next_url = request.GET.get("next", "")
    if not is_same_site_path(request, next_url):
        next_url = "/"
    chosen = request.GET.get("tz", "")
    if is_valid_timezone(chosen):
        response = HttpResponseRedirect(next_url)
        response.set_cookie(
            TZ_COOKIE, quote(chosen, safe=""), max_age=COOKIE_MAX_AGE, samesite="Lax"
        )
        return response
    return render(
        request,
        "schedule/zone_picker.html",
        {
            "choices": timezone_choices(),
            "next": next_url,
            "error": bool(chosen),
            "profile_zone": getattr(request.user, "timezone", ""),
        },
        status=400 if chosen else 200,
    )
