"""Cancelling a place: the confirmation step, the undo, and a full event whose
freed place goes to the waitlist."""

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import shot, sign_in

EVENT_PATH = "/events/ml-art-datafest-2020/"


@pytest.fixture
def upcoming_event(live_server):
    from schedule.demo import coming_saturday, load_demo

    event, _ = load_demo(coming_saturday(dt.date.today()))
    return event


def status_of(user, event):
    from schedule.models import Registration

    return Registration.objects.get(user=user, event=event).status


def panel(page):
    return page.locator(".join-panel")


def test_cancel_keep_cancel_and_undo(page, live_server, user, upcoming_event):
    from tests.factories import make_registration

    make_registration(user, upcoming_event)
    sign_in(page, user, live_server.url)
    page.goto(EVENT_PATH)
    panel(page).get_by_role("link", name="Cancel my registration").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel your registration?")
    expect(page.locator("main")).to_contain_text("Machine Learning Art")
    # "Keep my place" is the default: it has the focus.
    expect(page.get_by_role("link", name="Keep my place")).to_be_focused()
    shot(page, "confirm")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(EVENT_PATH) + "$"))
    assert status_of(user, upcoming_event) == "confirmed"

    panel(page).get_by_role("link", name="Cancel my registration").click()
    page.get_by_role("button", name="Cancel my registration").click()
    expect(page.locator(".messages")).to_contain_text("is cancelled. Changed your mind?")
    assert status_of(user, upcoming_event) == "cancelled"
    shot(page, "cancelled")
    panel(page).get_by_role("button", name="Undo").click()
    expect(page.locator(".messages")).to_contain_text("Your place at Machine Learning Art is back.")
    expect(panel(page).get_by_role("link", name="Cancel my registration")).to_be_visible()
    assert status_of(user, upcoming_event) == "confirmed"
    shot(page, "undone")


def test_cancel_in_a_full_event_promotes_then_undo_joins_the_waitlist(
    page, live_server, user, upcoming_event
):
    from schedule.models import Registration
    from tests.factories import make_registration, make_user

    upcoming_event.capacity = 1
    upcoming_event.save()
    make_registration(user, upcoming_event)
    waiting = make_user("waiting@example.com")
    make_registration(waiting, upcoming_event, status=Registration.Status.WAITLISTED)
    sign_in(page, user, live_server.url)

    page.goto(EVENT_PATH)
    panel(page).get_by_role("link", name="Cancel my registration").click()
    expect(page.locator("main")).to_contain_text(
        "your place goes at once to the first person on the waitlist"
    )
    shot(page, "confirm-full")
    page.get_by_role("button", name="Cancel my registration").click()
    expect(page.locator(".messages")).to_contain_text("is cancelled")
    assert status_of(waiting, upcoming_event) == "confirmed"

    panel(page).get_by_role("button", name="Undo").click()
    expect(page.locator(".messages")).to_contain_text(
        "went to someone on the waitlist in the meantime"
    )
    expect(panel(page)).to_contain_text("waitlist")
    assert status_of(user, upcoming_event) == "waitlisted"
    assert status_of(waiting, upcoming_event) == "confirmed"
    shot(page, "undo-waitlisted")
