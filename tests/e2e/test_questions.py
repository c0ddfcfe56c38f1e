"""Live questions in the browser: asking, seeing it appear elsewhere without a reload,
voting, the speaker's stage view; axe and the keyboard on the talk page and the stage."""

import datetime as dt
import json

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.helpers import shot, sign_in
from tests.e2e.test_accessibility import BLOCKING_IMPACTS, REPORTS, format_violations

LIVE_MS = 15_000  # the list polls every 4 s


@pytest.fixture
def stage_setup(live_server):
    from django.utils import timezone

    from schedule.models import Registration
    from tests.factories import (
        make_event,
        make_registration,
        make_room,
        make_speaker,
        make_talk,
        make_user,
    )

    day = (timezone.now() + dt.timedelta(days=2)).date()
    event = make_event("live-qa", day=day, name="Live Q&A Day")
    speaker_user = make_user("speaker@example.com", display_name="Sam Speaker")
    speaker = make_speaker("sam", name="Sam Speaker", user=speaker_user)
    talk = make_talk(
        event,
        make_room(event, slug="main", name="Main"),
        title="Questions that matter",
        slug="questions-that-matter",
        speakers=[speaker],
        live_qa_minutes=20,
    )
    people = {}
    for key, email, name in [("a", "ann@example.com", "Ann"), ("b", "bob@example.com", "Bob")]:
        people[key] = make_user(email, display_name=name)
        make_registration(people[key], event, status=Registration.Status.CONFIRMED)
    people["speaker"] = speaker_user
    return talk, people


def open_as(new_page, live_server, person, **options):
    page = new_page(**options)
    sign_in(page, person, live_server.url)
    return page


def test_ask_see_it_live_vote_answer_on_stage(new_page, live_server, stage_setup):
    talk, people = stage_setup
    path = talk.get_absolute_url()
    ann = open_as(new_page, live_server, people["a"])
    bob = open_as(new_page, live_server, people["b"])
    speaker = open_as(new_page, live_server, people["speaker"])
    ann.goto(path)
    bob.goto(path)
    expect(bob.locator("#questions")).to_contain_text("No questions yet.")

    text = "How did you choose the training images?"
    ann.fill("textarea[name=text]", text)
    ann.get_by_role("button", name="Ask", exact=True).click()
    expect(ann.locator(".question-list")).to_contain_text(text)
    expect(ann.locator("textarea[name=text]")).to_have_value("")
    shot(ann, "asked")

    # Bob's page shows it without a reload, and he votes.
    question = bob.locator(".question", has_text=text)
    expect(question).to_be_visible(timeout=LIVE_MS)
    question.get_by_role("button", name="Vote").click()
    expect(bob.locator(".question", has_text=text)).to_contain_text("1 vote")
    expect(bob.locator(".question", has_text=text).locator(".vote-button--on")).to_be_visible()
    shot(bob, "voted")

    speaker.goto(path + "stage/")
    first = speaker.locator(".stage-list .stage-q").first
    expect(first).to_contain_text(text)
    expect(first).to_contain_text("1 vote")
    shot(speaker, "stage")
    first.get_by_role("button", name="Mark answered").click()
    expect(speaker.locator(".stage-q--answered")).to_contain_text(text)
    expect(speaker.locator(".stage-empty")).to_be_visible()

    # Ann sees "answered" without reloading.
    answered = ann.locator(".question", has_text=text).locator(".badge--answered")
    expect(answered).to_be_visible(timeout=LIVE_MS)
    shot(ann, "answered")


def test_without_javascript_the_forms_still_work(new_page, live_server, stage_setup):
    talk, people = stage_setup
    page = open_as(new_page, live_server, people["a"], java_script_enabled=False)
    page.goto(talk.get_absolute_url())
    page.fill("textarea[name=text]", "Plain form question")
    page.get_by_role("button", name="Ask", exact=True).click()
    expect(page.locator(".messages")).to_contain_text("your question is on the list")
    expect(page.locator(".question-list")).to_contain_text("Plain form question")
    page.locator(".question").get_by_role("button", name="Vote").click()
    expect(page.locator(".question")).to_contain_text("1 vote")


def check_axe(page, name):
    failures = []
    for viewport in (PHONE, DESKTOP):
        page.set_viewport_size(viewport)
        page.reload()
        shot(page, name)
        violations = Axe().run(page).response["violations"]
        REPORTS.mkdir(parents=True, exist_ok=True)
        (REPORTS / f"{name}-{viewport['width']}.json").write_text(json.dumps(violations, indent=2))
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        if blocking:
            failures.append(f"{name} at {viewport['width']} px:\n{format_violations(blocking)}")
    return failures


def test_talk_page_and_stage_view_pass_axe(new_page, live_server, stage_setup):
    from schedule.questions import services

    talk, people = stage_setup
    services.ask(people["a"], talk, "A first question with <b>markup</b>")
    pinned = services.ask(people["b"], talk, "Pinned one", anonymous=True)
    services.moderate(people["speaker"], pinned, "pin")
    services.set_vote(people["b"], services.ask(people["b"], talk, "Bob votes here"), True)
    failures = []
    for who in ("a", "speaker"):
        page = open_as(new_page, live_server, people[who])
        page.goto(talk.get_absolute_url())
        expect(page.locator(".question-list")).to_contain_text("Pinned one")
        failures += check_axe(page, f"questions-talk-{who}")
    anonymous = new_page()
    anonymous.goto(talk.get_absolute_url())
    failures += check_axe(anonymous, "questions-talk-anonymous")
    stage = open_as(new_page, live_server, people["speaker"])
    stage.goto(talk.get_absolute_url() + "stage/")
    expect(stage.locator(".stage-q--pinned")).to_contain_text("Pinned one")
    failures += check_axe(stage, "questions-stage")
    assert not failures, "\n".join(failures)


def test_stage_view_works_with_the_keyboard_alone(new_page, live_server, stage_setup):
    from schedule.questions import services

    talk, people = stage_setup
    services.ask(people["a"], talk, "Keyboard question")
    page = open_as(new_page, live_server, people["speaker"])
    page.goto(talk.get_absolute_url() + "stage/")
    button = page.get_by_role("button", name="Mark answered")
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "Mark answered":
            break
    expect(button).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".stage-q--answered")).to_contain_text("Keyboard question")
