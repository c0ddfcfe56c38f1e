"""A speaker edits the abstract of their talk and sees it on the public talk page."""

import re

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.e2e.helpers import shot, sign_in
from tests.e2e.test_accessibility import BLOCKING_IMPACTS, format_violations

TALK_PATH = "/events/ml-art-datafest-2020/talks/neural-cellular-automata/"


def test_speaker_edits_the_abstract_and_sees_it_on_the_talk_page(
    page, live_server, user, e2e_demo_event
):
    from schedule.models import Speaker

    Speaker.objects.filter(slug="alexander-mordvintsev").update(user=user)
    sign_in(page, user, live_server.url)
    page.goto("/speaker/")
    page.get_by_role(
        "link", name="Differentiable Self-Organisation with Neural Cellular Automata"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your talk")
    for scheme in ("light", "dark"):
        # Without motion: links and buttons would otherwise still be fading to the
        # new scheme's colours while axe measures them.
        page.emulate_media(color_scheme=scheme, reduced_motion="reduce")
        violations = Axe().run(page).response["violations"]
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        assert not blocking, format_violations(blocking)
    page.get_by_label("Abstract").fill("Growing **lizards** from a single cell.")
    page.get_by_role("button", name="Preview abstract").click()
    expect(page.locator(".speaker-preview strong")).to_have_text("lizards")
    shot(page, "preview")
    page.get_by_role("button", name="Save talk").click()
    expect(page).to_have_url(re.compile(r"/speaker/$"))
    expect(page.locator(".messages")).to_contain_text("is saved and shown on the site")

    page.goto(TALK_PATH)
    expect(page.locator("main")).to_contain_text("Growing lizards from a single cell.")
    expect(page.locator("main strong", has_text="lizards")).to_be_visible()
    shot(page, "talk-page")
