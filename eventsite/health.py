"""Views that serve the machinery around the site rather than its users."""

import logging
import uuid

from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_safe

logger = logging.getLogger(__name__)


def check_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        if cursor.fetchone() != (1,):
            raise RuntimeError("SELECT 1 did not return 1")


def check_cache():
    # A unique key per call: several app servers share the cache, and a value
    # another server wrote must not pass for this server's round trip.
    key = f"healthz:{uuid.uuid4().hex}"
    cache.set(key, "ok", timeout=10)
    try:
        if cache.get(key) != "ok":
            raise RuntimeError("the cache did not return the value just stored")
    finally:
        cache.delete(key)


CHECKS = {"database": check_database, "cache": check_cache}
# Without these the site cannot serve; the others only make it slower ("degraded").
REQUIRED = {"database"}


@require_safe
def healthz(request):
    """200 while the database answers, else 503; never cached.

    The cache is optional (eventsite/cache.py): when it fails the answer stays 200,
    with ``"cache": "degraded"``, so a load balancer keeps the server in rotation.
    """
    results = {}
    for name, check in CHECKS.items():
        try:
            check()
        except Exception:
            logger.exception("Health check %s failed", name)
            results[name] = "error" if name in REQUIRED else "degraded"
        else:
            results[name] = "ok"
    if any(results[name] == "error" for name in REQUIRED):
        status = "error"
    else:
        status = "ok" if all(value == "ok" for value in results.values()) else "degraded"
    response = JsonResponse({"status": status, **results}, status=503 if status == "error" else 200)
    response["Cache-Control"] = "no-store"
    return response


def bench_baseline(request):
    """The smallest Django response, served like the pages: `make bench` divides by it."""
    return HttpResponse(b"ok", content_type="text/plain")
