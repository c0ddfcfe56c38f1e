"""Where to send someone back to after a POST: one helper for every ``next``."""

from django.http import HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme


def is_same_site_path(request, url) -> bool:
    """``url`` is a path on this site: "/events/x/?tz=viewer", not "0", "//host" or "https://…".

    A bare word is refused too: ``redirect()`` would take it for a URL pattern's name.
    """
    return (
        isinstance(url, str)
        and url.startswith("/")
        and not url.startswith(("//", "/\\"))
        and url_has_allowed_host_and_scheme(
            url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    )


def safe_next(request, fallback: str) -> str:
    """The POSTed ``next`` when it is a path on this site, else ``fallback`` (a path)."""
    url = request.POST.get("next", "")
    return url if is_same_site_path(request, url) else fallback


def redirect_to_next(request, fallback: str) -> HttpResponseRedirect:
    """A redirect to the POSTed ``next`` when it is safe, else to ``fallback``.

    Never passes user input to ``django.shortcuts.redirect()``.
    """
    return HttpResponseRedirect(safe_next(request, fallback))
