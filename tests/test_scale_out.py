"""Scale-out: two gunicorn instances share PostgreSQL and Redis and nothing else.

Each test signs in or registers through one instance and checks the result through
the other, as a load balancer would send consecutive requests to different servers.
The servers read the pytest-django test database, so the tests commit their data
(``transaction=True``). Run with ``DATABASE_URL=postgres://... pytest -m postgres``.
"""

import http.cookiejar
import importlib.util
import os
import secrets
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from schedule.models import Registration
from tests.factories import PASSWORD, make_event, make_user

BASE_DIR = Path(__file__).resolve().parent.parent
CACHE_URL = "redis://127.0.0.1:6379/2"

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def redis_answers():
    import redis

    try:
        return redis.Redis.from_url(CACHE_URL, socket_timeout=2).ping()
    except redis.RedisError:
        return False


def database_url(settings_dict):
    user = urllib.parse.quote(settings_dict["USER"] or "", safe="")
    password = urllib.parse.quote(settings_dict["PASSWORD"] or "", safe="")
    credentials = f"{user}:{password}@" if password else f"{user}@" if user else ""
    host = settings_dict["HOST"] or "127.0.0.1"
    port = settings_dict["PORT"] or "5432"
    return f"postgres://{credentials}{host}:{port}/{settings_dict['NAME']}"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_run():
    """bench/run.py, whose gunicorn start and stop this test shares."""
    spec = importlib.util.spec_from_file_location("bench_run", BASE_DIR / "bench" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def servers(django_db_setup, tmp_path_factory):
    """Base URLs of two gunicorn instances on the test database and Redis DB 2."""
    if connection.vendor != "postgresql":
        pytest.skip("scale-out needs PostgreSQL: set DATABASE_URL=postgres://...")
    if not redis_answers():
        pytest.skip(f"scale-out needs Redis at {CACHE_URL}")
    import redis

    redis.Redis.from_url(CACHE_URL).flushdb()
    tmp = tmp_path_factory.mktemp("scale-out")
    env = {
        **os.environ,
        "DEBUG": "False",
        # Both instances sign sessions and CSRF tokens with the same key, as in production.
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url(connection.settings_dict),
        "CACHE_URL": CACHE_URL,
        "CONN_MAX_AGE": "0",
        "SECURE_SSL_REDIRECT": "False",
        "STATIC_ROOT": str(tmp / "static"),
        "EMAIL_URL": "consolemail://",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("BENCH_BASELINE", None)
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity", "0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
        timeout=300,
    )
    gunicorn = bench_run()
    processes, urls = [], []
    try:
        for name in ("a", "b"):
            port = free_port()
            processes.append(gunicorn.start_gunicorn(env, 1, port, tmp / f"gunicorn-{name}.log"))
            urls.append(f"http://127.0.0.1:{port}")
        yield urls
    finally:
        for process in processes:
            gunicorn.stop_gunicorn(process)


class LoopbackCookiePolicy(http.cookiejar.DefaultCookiePolicy):
    """Send the production cookies (Secure) over the plain http of the loopback test."""

    def return_ok_secure(self, cookie, request):
        return True


class Browser:
    """Just enough of a browser: one cookie jar for all servers, redirects followed."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar(policy=LoopbackCookiePolicy())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, url):
        with self.opener.open(url, timeout=30) as response:
            return response.geturl(), response.read().decode()

    def post(self, url, data):
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.csrf_token(), **data})
        with self.opener.open(url, data=body.encode(), timeout=30) as response:
            return response.geturl(), response.read().decode()

    def csrf_token(self):
        return next(cookie.value for cookie in self.cookies if cookie.name == "csrftoken")


def sign_in(browser, base_url, email):
    _, page = browser.get(f"{base_url}/accounts/login/")
    assert 'name="csrfmiddlewaretoken"' in page
    return browser.post(f"{base_url}/accounts/login/", {"login": email, "password": PASSWORD})


def test_signed_in_on_one_server_is_signed_in_on_the_other(servers):
    server_a, server_b = servers
    make_user("scale-out@example.com")
    browser = Browser()

    _, page_b = browser.get(f"{server_b}/")
    assert "Sign out" not in page_b

    final_url, page_a = sign_in(browser, server_a, "scale-out@example.com")
    assert final_url == f"{server_a}/"
    assert "Sign out" in page_a

    _, page_b = browser.get(f"{server_b}/")
    assert "Sign out" in page_b
    assert "Sign in" not in page_b


def test_signed_out_on_one_server_is_signed_out_on_the_other(servers):
    server_a, server_b = servers
    make_user("leaves@example.com")
    browser = Browser()
    sign_in(browser, server_a, "leaves@example.com")

    browser.post(f"{server_b}/accounts/logout/", {})

    _, page_a = browser.get(f"{server_a}/")
    assert "Sign out" not in page_a
    assert "Sign in" in page_a


def test_registered_on_one_server_is_registered_on_the_other(servers):
    # The registration view comes from the registration work (POST
    # /events/<slug>/register/); until it is merged this test skips itself.
    server_a, server_b = servers
    user = make_user("registers@example.com")
    event = make_event("scale-out-event")
    browser = Browser()
    sign_in(browser, server_a, "registers@example.com")
    _, page_a = browser.get(f"{server_a}/events/{event.slug}/")
    assert "You are registered" not in page_a

    try:
        browser.post(f"{server_b}/events/{event.slug}/register/", {})
    except urllib.error.HTTPError as error:
        if error.code in (404, 405):
            pytest.skip(f"POST /events/<slug>/register/ answers {error.code} on this branch")
        raise

    assert Registration.objects.get(user=user, event=event).status == "confirmed"
    _, page_a = browser.get(f"{server_a}/events/{event.slug}/")
    assert "You are registered" in page_a
