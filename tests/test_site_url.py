"""Absolute links: pages use the host and port they were reached on; mails and
feeds, made for everyone, use SITE_URL, which follows `make run`'s HOST and PORT."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail

from schedule.registration import register
from tests.factories import make_event, make_user

BASE_DIR = Path(__file__).resolve().parent.parent


def site_url_with(**env):
    environment = {k: v for k, v in os.environ.items() if k not in ("SITE_URL", "HOST", "PORT")}
    environment.update(env, DJANGO_SETTINGS_MODULE="eventsite.settings")
    return subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.SITE_URL)"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout.strip()


def test_site_url_follows_the_port_make_run_serves_on():
    assert site_url_with(PORT="8400") == "http://127.0.0.1:8400"
    assert site_url_with(HOST="0.0.0.0", PORT="9000") == "http://0.0.0.0:9000"
    assert site_url_with() == "http://127.0.0.1:8000"


def test_an_explicit_site_url_wins():
    assert site_url_with(PORT="8400", SITE_URL="https://events.example.org/") == (
        "https://events.example.org"
    )


def test_makefile_exports_host_and_port_to_the_app():
    makefile = (BASE_DIR / "Makefile").read_text()
    assert "export HOST PORT" in makefile


@pytest.mark.django_db
def test_pages_link_to_the_host_and_port_they_were_reached_on(client, demo_event):
    page = client.get(demo_event.get_absolute_url(), HTTP_HOST="localhost:8400").content.decode()
    assert (
        f'<link rel="canonical" href="http://localhost:8400{demo_event.get_absolute_url()}">'
        in (page)
    )
    assert "127.0.0.1:8000" not in page


@pytest.mark.django_db
def test_mails_made_outside_a_request_use_site_url(
    settings, django_capture_on_commit_callbacks, huey_immediate
):
    settings.SITE_URL = "http://127.0.0.1:8400"
    event = make_event()
    with django_capture_on_commit_callbacks(execute=True):
        register(make_user(), event)
    [message] = mail.outbox
    assert f"http://127.0.0.1:8400{event.get_absolute_url()}" in message.body
