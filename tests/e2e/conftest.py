"""Browser tests: Playwright's sync API driving Debian's Chromium against ``live_server``.

Every test under ``tests/e2e/`` is marked ``e2e`` (so ``pytest -m e2e`` runs them
alone) and gets a transactional database that the live server thread can see.
One browser serves the whole session; each test gets a fresh context (cookies,
time zone, viewport) through ``page`` or ``new_page``.

Adding a journey: write ``def test_...(page, live_server, ...)`` in a module here,
``page.goto("/...")`` with paths relative to the live server, ``shot(page, "step")``
after each page, and ``sign_in(page, user, live_server.url)`` or ``log_in_with_form`` for accounts.
"""

import os
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

E2E_DIR = Path(__file__).resolve().parent
CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
# Debian's Chromium as root in a closed network: no sandbox, no GPU, and no
# background connections that the machine would refuse.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
TIMEOUT_MS = 10_000


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Mark every test in this folder (before ``-m`` selection runs)."""
    for item in items:
        if E2E_DIR in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)
            # Serialized rollback keeps migration data (the Organisers group, the
            # Site) that flushing the transactional database would otherwise lose.
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


@pytest.fixture(scope="session")
def browser():
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (Debian's package).")
    # Playwright's sync API runs an event loop in this thread; Django refuses ORM
    # calls from a thread with a running loop unless told that this is deliberate.
    # Django reads the variable at each call, so it is set only while the browser runs.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def browser_context_args():
    """Options of the ``page`` fixture's context; override or parametrize in a test."""
    return {}


@pytest.fixture
def new_page(browser, live_server):
    """Factory: ``new_page(viewport=PHONE, timezone_id=..., java_script_enabled=False)``.

    Each call opens a new context (its own cookies) whose ``base_url`` is the live
    server, so ``page.goto("/events/...")`` works; all are closed after the test.
    """
    contexts = []

    def make(**options):
        options.setdefault("viewport", DESKTOP)
        options.setdefault("locale", "en-GB")
        options.setdefault("timezone_id", "Europe/London")
        context = browser.new_context(base_url=live_server.url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page, browser_context_args):
    return new_page(**browser_context_args)


@pytest.fixture
def e2e_demo_event(live_server):
    """The seed event (2020-09-19, Europe/Moscow), visible to the live server."""
    from schedule.demo import load_demo

    event, _ = load_demo()
    return event


@pytest.fixture
def signed_in_page(new_page, live_server, user):
    """A page whose context carries the session of ``user`` (attendee@example.com)."""
    from tests.e2e.helpers import sign_in

    page = new_page()
    sign_in(page, user, live_server.url)
    return page


@pytest.fixture(autouse=True)
def _mail_worker_at_once(huey_immediate):
    """The journeys read the mails they cause: the worker's jobs run at once (huey's
    immediate mode), in the live server's thread, after each change commits."""
    return huey_immediate
