"""Files every browser asks for at fixed addresses: /favicon.ico and the web manifest."""

from django.http import HttpResponsePermanentRedirect, JsonResponse
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from ..context_processors import SITE_NAME

DAY = 24 * 3600


@require_safe
@cache_control(public=True, max_age=DAY)
def favicon(request):
    """Browsers that ignore <link rel="icon"> ask for /favicon.ico: the PNG answers."""
    return HttpResponsePermanentRedirect(static("img/favicon-32.png"))


@require_safe
@cache_control(public=True, max_age=DAY)
def web_manifest(request):
    manifest = {
        "name": SITE_NAME,
        "short_name": SITE_NAME,
        "description": _("Online meetups and conference tracks"),
        "lang": request.LANGUAGE_CODE,
        "start_url": "/",
        "display": "browser",
        "background_color": "#f6f6fa",
        "theme_color": "#4b2bd6",
        "icons": [
            {"src": static("img/favicon.svg"), "type": "image/svg+xml", "sizes": "any"},
            {"src": static("img/icon-192.png"), "type": "image/png", "sizes": "192x192"},
            {"src": static("img/icon-512.png"), "type": "image/png", "sizes": "512x512"},
        ],
    }
    response = JsonResponse(manifest, json_dumps_params={"ensure_ascii": False})
    response["Content-Type"] = "application/manifest+json"
    return response
