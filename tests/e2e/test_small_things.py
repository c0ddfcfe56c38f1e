"""The small things seen on the screenshots: the calendar address field and its Copy
button, the join panel's divider, the favicon."""

import datetime as dt

from playwright.sync_api import expect

from tests.e2e.conftest import PHONE
from tests.e2e.helpers import shot, sign_in

EVENT_PATH = "/events/ml-art-datafest-2020/"


def test_calendar_address_fits_the_phone_and_copies(new_page, live_server, user):
    page = new_page(viewport=PHONE)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page, user, live_server.url)
    page.goto("/accounts/profile/")
    field = page.get_by_label("Calendar address")
    expect(field).to_have_value(f"{live_server.url}/calendar/{user.calendar_token}.ics")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"the page is {overflow}px wider than the phone"
    assert float(field.evaluate("el => getComputedStyle(el).fontSize").removesuffix("px")) >= 14
    page.get_by_role("button", name="Copy").click()
    expect(page.get_by_role("button", name="Copied")).to_be_visible()
    assert page.evaluate("navigator.clipboard.readText()") == field.input_value()
    shot(page, "calendar-field")


def test_calendar_address_without_javascript_is_selectable(new_page, live_server, user):
    page = new_page(java_script_enabled=False)
    sign_in(page, user, live_server.url)
    page.goto("/accounts/profile/")
    expect(page.get_by_role("button", name="Copy")).to_have_count(0)
    expect(page.get_by_label("Calendar address")).to_have_attribute("readonly", "")


def test_no_divider_between_join_the_room_and_the_join_button(new_page, live_server, user):
    from schedule.demo import coming_saturday, load_demo
    from tests.factories import make_registration

    event, _ = load_demo(coming_saturday(dt.date.today()))
    make_registration(user, event)
    page = new_page()
    sign_in(page, user, live_server.url)
    page.goto(EVENT_PATH)
    room = page.locator(".join-panel__room").first
    expect(room).to_be_visible()
    assert room.evaluate("el => getComputedStyle(el).borderTopStyle") == "none"
    shot(page, "join-panel")


def test_no_page_request_answers_404(new_page, e2e_demo_event):
    page = new_page()
    failed = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.goto("/")
    page.goto(EVENT_PATH)
    page.wait_for_load_state("networkidle")
    assert not failed, failed
    assert page.request.get("/favicon.ico").ok
