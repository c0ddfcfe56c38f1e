"""The stream facade in a real browser: nothing from the video host before the click,
the privacy-enhanced player after it, the page's CSP intact, a plain link without JS."""

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.helpers import shot
from tests.factories import make_event, make_room, make_talk

STREAM = "https://www.youtube.com/watch?v=othTjSowvqY"
EMBED = "https://www.youtube-nocookie.com/embed/othTjSowvqY"
VIDEO_HOSTS = re.compile(
    r"^https?://([^/]*\.)?(youtube\.com|youtube-nocookie\.com|ytimg\.com|googlevideo\.com|youtu\.be|ggpht\.com)/"
)
SHOTS = Path("/work/shots/watch")
RECORD_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""
PLAYER = "<!doctype html><title>player</title><p>The player</p>"


@pytest.fixture
def live_event(live_server):
    now = timezone.now()
    event = make_event(
        "live-now",
        name="Machine Learning Art, live",
        festival_name="Data Fest 2020",
        start=now - dt.timedelta(hours=1),
        end=now + dt.timedelta(hours=1),
        stream_url=STREAM,
    )
    make_talk(event, make_room(event), slug="now", title="Neural Cellular Automata",
              start=now - dt.timedelta(minutes=10), minutes=40)  # fmt: skip
    return event


def watch(page):
    """Log every request and console message; answer the video hosts locally (the
    machine has no network), so the test sees what the page asks for."""
    requests, console = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.add_init_script(RECORD_CSP)
    page.route(
        VIDEO_HOSTS, lambda route: route.fulfill(status=200, content_type="text/html", body=PLAYER)
    )
    return requests, console


def keep(path):
    SHOTS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, SHOTS / path.name)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1280"])
@pytest.mark.parametrize(
    "path", ["/events/live-now/", "/events/live-now/talks/now/"], ids=["event", "talk"]
)
def test_player_loads_only_after_the_click(new_page, live_event, viewport, path):
    page = new_page(viewport=viewport)
    requests, console = watch(page)

    response = page.goto(path)
    assert (
        "frame-src https://www.youtube-nocookie.com" in response.headers["content-security-policy"]
    )
    link = page.get_by_role("link", name=re.compile("Play the live stream"))
    expect(link).to_be_visible()
    poster = page.locator(".video-facade__poster")
    expect(poster).to_have_js_property("complete", True)
    assert poster.evaluate("img => img.naturalWidth") == 1200  # the share image, drawn here
    page.wait_for_load_state("networkidle")
    keep(shot(page, "before-click", full_page=False))
    violations = Axe().run(page).response["violations"]
    assert not [v["id"] for v in violations if v["impact"] in ("serious", "critical")]

    before = [url for url in requests if VIDEO_HOSTS.match(url)]
    assert before == [], f"requests to the video host before the click: {before}"
    assert page.locator("iframe").count() == 0

    link.click()
    frame = page.locator("iframe.video-facade__player")
    expect(frame).to_have_attribute("src", f"{EMBED}?autoplay=1")
    expect(frame).to_have_attribute("title", "Machine Learning Art, live")
    page.frame_locator("iframe.video-facade__player").get_by_text("The player").wait_for()
    keep(shot(page, "after-click", full_page=False))

    assert page.url.endswith(path), "the click must not leave the page"
    after = [url for url in requests if VIDEO_HOSTS.match(url)]
    assert after == [f"{EMBED}?autoplay=1"]
    assert page.evaluate("window.__csp") == []
    assert not [line for line in console if "Content Security Policy" in line or "Refused" in line]


def test_without_javascript_the_facade_is_a_link_to_the_stream(new_page, live_event):
    page = new_page(java_script_enabled=False)
    requests, _ = watch(page)
    page.goto("/events/live-now/")

    link = page.get_by_role("link", name=re.compile("Play the live stream"))
    expect(link).to_have_attribute("href", STREAM)
    assert not [url for url in requests if VIDEO_HOSTS.match(url)]
    link.click()
    page.wait_for_url(STREAM)
    assert page.locator("iframe").count() == 0
