from django.conf import settings
from django.utils.functional import SimpleLazyObject

from . import seo
from .timezones import viewer_timezone_name

SITE_NAME = "Eventsite"


def site(request):
    """The site's name, its root as this request reached it (for absolute links), and
    this page in each language (read only by the pages that show them)."""
    return {
        "SITE_NAME": SITE_NAME,
        "SITE_URL": f"{request.scheme}://{request.get_host()}",
        "language_alternates": SimpleLazyObject(lambda: seo.language_alternates(request)),
        "language_switch_next": SimpleLazyObject(lambda: _path_without_language(request)),
        # Empty on a first visit: site.js then shows the browser's zone itself.
        "viewer_zone_name": SimpleLazyObject(lambda: viewer_timezone_name(request) or ""),
    }


def _path_without_language(request) -> str:
    """Where the language switcher sends back to: this page, without a ``?lang=``."""
    query = request.GET.copy()
    query.pop(settings.LANGUAGE_QUERY_PARAMETER, None)
    return f"{request.path}?{query.urlencode()}" if query else request.path
