"""Journey: a full event; the person joins the waitlist and is told their position."""

import datetime as dt

import pytest
from django.utils import timezone

from schedule.registration import register
from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.helpers import shot, sign_in
from tests.factories import make_event, make_room, make_talk, make_user


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_full_event_joins_the_waitlist_with_a_position(new_page, live_server, user, viewport):
    day = (timezone.now() + dt.timedelta(days=5)).date()
    event = make_event("rush-fest", day=day, capacity=1, name="Rush Fest")
    make_talk(event, make_room(event, slug="main"), title="The famous talk")
    register(make_user(), event)  # takes the only place
    register(make_user(), event)  # waitlist position 1
    page = new_page(viewport=viewport)
    sign_in(page, user, live_server.url)
    page.goto(event.get_absolute_url())
    panel = page.locator(".join-panel")
    assert "All places are taken" in panel.inner_text()
    page.get_by_role("button", name="Join the waitlist").click()
    page.wait_for_load_state()
    body = page.locator("body").inner_text()
    assert "Rush Fest is full: you are on the waitlist, position 2." in body
    assert "Your place in the queue: 2." in panel.inner_text()
    shot(page, "waitlisted")
