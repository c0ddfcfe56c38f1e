"""Helpers for the browser tests: screenshots, e-mails, signing in, keyboard."""

import os
import re
import time
from importlib import import_module
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail
from django.test import Client

from tests.mfa import enrol_totp, totp_code

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"


def _current_test_name():
    # "tests/e2e/test_x.py::test_name[param] (call)" -> "test_name-param"
    current = os.environ.get("PYTEST_CURRENT_TEST", "test").split(" ")[0]
    name = current.split("::")[-1]
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", name).strip("-")


def shot(page, name, *, full_page=True):
    """Save ``<test>-<name>-<width>.png`` under test-artifacts/screenshots/ for reviewers."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    width = (page.viewport_size or {}).get("width", 0)
    path = SCREENSHOTS / f"{_current_test_name()}-{name}-{width}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def last_email(to=None):
    """The last message in ``django.core.mail.outbox`` (locmem: the live server's
    thread shares it), optionally the last one sent to ``to``."""
    messages = [m for m in mail.outbox if to is None or to in m.to]
    assert messages, f"no e-mail sent{f' to {to}' if to else ''}; outbox: {mail.outbox!r}"
    return messages[-1]


def links_in(message):
    """Every http(s) URL in an e-mail's text body."""
    return re.findall(r"https?://[^\s<>\"]+", message.body)


def sign_in(page, user, base_url):
    """Give ``page``'s context the session of ``user`` without the login form.

    ``Client.force_login`` creates a real session in the database; its cookie is
    copied into the browser, so the live server sees the user as signed in.
    """
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": cookie.value, "url": base_url}]
    )


def log_in_with_form(page, email, password, path="/accounts/login/"):
    """Sign in as a person would, through allauth's form. Any page that asks for a
    login will do as ``path`` (``"/admin/"`` sends staff to the same form)."""
    page.goto(path)
    page.fill("input[name=login]", email)
    page.fill("input[name=password]", password)
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def enrol_staff(user):
    """Give a staff account an authenticator app (the back office requires one);
    returns its secret for ``enter_totp_code``."""
    secret, _codes = enrol_totp(user)
    return secret


def enter_totp_code(page, secret, *, periods_ahead=0):
    """On allauth's two-factor step, type the code the authenticator shows now.

    A code works once; a second sign-in within the same 30 seconds uses the next
    period's code (``periods_ahead=1``), which allauth's tolerance accepts.
    """
    page.wait_for_url("**/accounts/2fa/authenticate/**")
    page.fill("input[name=code]", totp_code(secret, time.time() + 30 * periods_ahead))
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def image_loads(locator) -> bool:
    """Whether the image's file arrives and decodes (waits for it, unlike ``complete``)."""
    return locator.evaluate("img => img.decode().then(() => img.naturalWidth > 0, () => false)")


def organisers_group():
    """The "Organisers" group with its permissions, as the migrations make it.

    A transactional test that runs before the browser tests may have flushed the
    migrations' rows; the same migration functions put the group back.
    """
    for name, function in [
        ("0002_organisers_group", "create_group"),
        ("0006_event_teams_and_audit_log", "grant_team_permissions"),
    ]:
        getattr(import_module(f"schedule.migrations.{name}"), function)(apps, None)
    return Group.objects.get(name="Organisers")
