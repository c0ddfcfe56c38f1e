"""The first visit from a New York browser shows New York times on the first page."""

import re

from playwright.sync_api import expect

from tests.e2e.helpers import shot

SCHEDULE_PATH = "/events/ml-art-datafest-2020/schedule/"


def test_first_visit_from_new_york_shows_new_york_times_at_once(new_page, e2e_demo_event):
    page = new_page(timezone_id="America/New_York")
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(SCHEDULE_PATH)  # no tz cookie yet, no reload
    first_talk = page.locator(".schedule-row", has_text="Neural Cellular Automata").first
    # 2020-09-19 16:00 MSK (UTC+3) is 09:00 in New York (EDT, UTC-4).
    expect(first_talk).to_contain_text("16:00")
    expect(first_talk).to_contain_text("(09:00 in New York)")
    expect(page.locator(".zone-bar__note")).to_contain_text("yours in brackets")
    shot(page, "schedule")
    page_loads = [url for url in requests if "/schedule/" in url]
    assert len(page_loads) == 1, page_loads

    page.goto("/")
    card = page.locator(".event-card", has_text="Machine Learning Art")
    expect(card).to_contain_text(re.compile(r"16:00–19:00 MSK \(09:00–12:00 in New York\)"))
    # The cookie is set now: the server wrote this one (not the browser).
    expect(card.locator(".time-other:not(.time-other--browser)")).to_have_count(1)
    shot(page, "home")


def test_first_visit_without_javascript_links_to_the_zone_picker(new_page, e2e_demo_event):
    page = new_page(timezone_id="America/New_York", java_script_enabled=False)
    page.goto(SCHEDULE_PATH)
    expect(page.locator(".schedule-row").first).not_to_contain_text("New York")
    page.get_by_role("link", name="Show times in my zone").click()
    page.select_option("#id_timezone", "America/New_York")
    page.get_by_role("button", name="Show times in this zone").click()
    expect(page).to_have_url(re.compile(re.escape(SCHEDULE_PATH) + "$"))
    expect(page.locator(".schedule-row").first).to_contain_text("in New York")
    shot(page, "schedule-after-picker")
