"""The "Send the recording" preview page and the figures page, in the back office:
axe finds nothing serious or critical at 375 and 1280 px."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.helpers import enrol_staff, enter_totp_code, log_in_with_form, shot
from tests.e2e.test_accessibility import BLOCKING_IMPACTS, format_violations


@pytest.mark.parametrize("locale", ["en-GB", "ru-RU"])
def test_follow_up_preview_and_figures_pass_axe(new_page, e2e_demo_event, locale):
    from schedule.models import Talk
    from tests.factories import make_registration, make_user

    Talk.objects.filter(event=e2e_demo_event).update(recording_url="https://youtu.be/abcdefghijk")
    make_registration(make_user("came@example.com"), e2e_demo_event)
    boss = make_user(
        "boss@example.com", password="pw-superuser-123", is_staff=True, is_superuser=True
    )
    secret = enrol_staff(boss)
    page = new_page(locale=locale)
    log_in_with_form(page, "boss@example.com", "pw-superuser-123", path="/admin/")
    enter_totp_code(page, secret)
    failures = []
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        page.goto(f"/admin/schedule/message/follow-up/{e2e_demo_event.pk}/")
        page.locator("input[name=preview]").click()
        expect(page.locator("pre")).to_contain_text("https://youtu.be/abcdefghijk")
        shot(page, f"follow-up-preview-{locale}")
        for name in ("follow-up", "figures"):
            if name == "figures":
                page.goto(f"/admin/schedule/event/{e2e_demo_event.pk}/figures/")
                shot(page, f"figures-{locale}")
            violations = Axe().run(page).response["violations"]
            blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
            if blocking:
                failures.append(f"{name} at {viewport['width']} px:\n{format_violations(blocking)}")
    assert not failures, "\n".join(failures)
