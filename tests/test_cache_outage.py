"""The cache is a cache, not a dependency: with Redis stopped every page, feed, sign-in
and registration still works (slower), /healthz says "degraded", and caching resumes
when Redis returns, with no restart. Runs its own redis-server on a free port."""

import datetime as dt
import shutil
import socket
import subprocess
import time

import pytest
import redis
from django.test import Client
from django.urls import reverse

from schedule.demo import coming_saturday, load_demo
from tests.factories import PASSWORD, make_registration, make_user

pytestmark = pytest.mark.django_db

REDIS_SERVER = shutil.which("redis-server")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisProcess:
    def __init__(self, port, workdir):
        self.port, self.workdir, self.process = port, workdir, None

    def start(self):
        self.process = subprocess.Popen(
            [REDIS_SERVER, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL,
        )  # fmt: skip
        client = self.client()
        for _ in range(100):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self):
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None

    def client(self):
        return redis.Redis(port=self.port, socket_timeout=2)

    def keys(self):
        return self.client().dbsize()


@pytest.fixture
def redis_cache(settings, tmp_path):
    if REDIS_SERVER is None:
        pytest.skip("redis-server is not installed")
    server = RedisProcess(free_port(), tmp_path)
    server.start()
    options = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    location = f"redis://127.0.0.1:{server.port}/0"
    backend = "eventsite.cache.RedisCache"
    settings.CACHES = {
        "default": {"BACKEND": backend, "LOCATION": location, "OPTIONS": options},
        "pages": {
            "BACKEND": backend,
            "LOCATION": location,
            "OPTIONS": options,
            "KEY_PREFIX": "pages:test",
        },
    }
    yield server
    server.stop()


@pytest.fixture
def soon_event(db):
    event, _ = load_demo(coming_saturday(dt.date.today()))
    return event


def site_urls(event, user):
    talk = event.talks.first()
    return [
        "/",
        event.get_absolute_url(),
        reverse("schedule:event-schedule", args=[event.slug]),
        talk.get_absolute_url(),
        talk.speakers.first().get_absolute_url(),
        reverse("schedule:event-ics", args=[event.slug]),
        reverse("schedule:event-xml", args=[event.slug]),
        reverse("schedule:event-json", args=[event.slug]),
        reverse("schedule:personal-ics", args=[user.calendar_token]),
        reverse("accounts:my-events"),
        reverse("accounts:profile"),
    ]


def test_the_site_works_without_redis_and_caches_again_when_it_returns(
    redis_cache, soon_event, client
):
    member = make_user("member@example.com")
    make_registration(member, soon_event)
    signed_in = Client()
    signed_in.force_login(member)
    for url in site_urls(soon_event, member):
        assert signed_in.get(url).status_code == 200, url
    assert redis_cache.keys() > 0  # pages, fragments and feeds were cached

    redis_cache.stop()
    for url in site_urls(soon_event, member):
        assert signed_in.get(url).status_code == 200, url
        if "accounts" not in url and "calendar" not in url:
            assert client.get(url).status_code == 200, url
    # The join panel still reads the registration: links for the member only.
    assert "/join/ml-art/" in signed_in.get(soon_event.get_absolute_url()).content.decode()
    assert "/join/ml-art/" not in client.get(soon_event.get_absolute_url()).content.decode()

    # Sign-in and registration (sessions fall back to the database).
    newcomer = make_user("newcomer@example.com")
    browser = Client()
    response = browser.post(
        reverse("account_login"), {"login": newcomer.email, "password": PASSWORD}
    )
    assert response.status_code == 302
    response = browser.post(reverse("schedule:event-register", args=[soon_event.slug]))
    assert response.status_code == 302
    assert soon_event.registrations.filter(user=newcomer, status="confirmed").exists()
    health = client.get("/healthz")
    assert health.status_code == 200
    assert health.json() == {"status": "degraded", "database": "ok", "cache": "degraded"}

    redis_cache.start()  # same port, empty: the running app reconnects by itself
    assert redis_cache.keys() == 0
    assert client.get(soon_event.get_absolute_url()).status_code == 200
    assert redis_cache.keys() > 0
    assert client.get("/healthz").json()["status"] == "ok"
