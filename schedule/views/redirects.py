"""Where to send someone back to after a POST."""

from django.utils.http import url_has_allowed_host_and_scheme


def next_or(request, fallback):
    """The POSTed ``next`` when it points at this site, else ``fallback``."""
    url = request.POST.get("next", "")
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return fallback
