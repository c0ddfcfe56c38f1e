"""axe-core on every page a visitor can reach, in English and Russian, at phone and
desktop widths, and the keyboard: a skip link first, every control reachable with Tab,
focus visible.

axe-core comes bundled in the axe-playwright-python package (axe.min.js, no download);
it is injected with ``page.evaluate``, which the site's CSP does not block, so the
pages are checked with their real Content-Security-Policy.
"""

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.helpers import shot, sign_in

BLOCKING_IMPACTS = {"serious", "critical"}
REPORTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "axe"
EVENT = "/events/ml-art-datafest-2020/"


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    signed_in: bool = False
    upcoming: bool = False  # the demo event moved to the coming Saturday: registration open
    registered: bool = False  # the signed-in user holds a confirmed place (with upcoming)
    speaker: bool = False  # the signed-in user manages a speaker profile
    unverified: bool = False  # the signed-in user has not followed the verification link
    status: int = 200
    shows: str = ""  # text that proves the page is in the intended state
    shows_ru: str = ""  # the same in Russian (the Russian pages' longer words are checked too)
    known_issue: str = ""  # xfail (not strict) until the branch that fixes it lands

    @property
    def id(self):
        return self.name


# Every page a visitor or a signed-in user can reach; the admin is Django's own.
# A page that answers 404 on this branch is skipped with the reason, not passed.
PAGES = [
    Page("home", "/"),
    Page("home-signed-in", "/", signed_in=True),
    Page("event", EVENT),
    Page("event-signed-in", EVENT, signed_in=True),
    # The join panel in each state a person meets before the event.
    Page(
        "event-open-anonymous",
        EVENT,
        upcoming=True,
        shows="sign up or sign in first",
        shows_ru="создайте учётную запись или войдите",
    ),
    Page(
        "event-open-unverified",
        EVENT,
        signed_in=True,
        upcoming=True,
        unverified=True,
        shows="Send the verification mail again",
        shows_ru="Отправить письмо для подтверждения ещё раз",
    ),
    Page(
        "event-open-signed-in",
        EVENT,
        signed_in=True,
        upcoming=True,
        shows="Register",
        shows_ru="Зарегистрироваться",
    ),
    Page(
        "event-open-registered",
        EVENT,
        signed_in=True,
        upcoming=True,
        registered=True,
        shows="Find the ML ART room in the room list!",
        shows_ru="Find the ML ART room in the room list!",
    ),
    Page(
        "join-refused",
        EVENT + "join/ml-art/",
        signed_in=True,
        upcoming=True,
        status=403,
        shows="Register to get the invite.",
        shows_ru="Зарегистрируйтесь, чтобы получить приглашение.",
    ),
    Page("events-index", "/events/", shows="Past events"),
    Page(
        "cancel-confirm",
        EVENT + "cancel/",
        signed_in=True,
        upcoming=True,
        registered=True,
        shows="Keep my place",
    ),
    Page("zone-picker", "/zone/", shows="Show times in my zone"),
    Page("schedule", EVENT + "schedule/"),
    Page("talk", EVENT + "talks/neural-cellular-automata/"),
    Page("talk-in-russian", EVENT + "talks/non-existent-designer/", shows_ru="на русском"),
    Page("speaker", "/speakers/alexander-mordvintsev/"),
    Page("login", "/accounts/login/"),
    Page("signup", "/accounts/signup/"),
    Page("password-reset", "/accounts/password/reset/"),
    Page("profile", "/accounts/profile/", signed_in=True),
    Page(
        "my-events",
        "/accounts/events/",
        signed_in=True,
        upcoming=True,
        registered=True,
        shows="Join ML Art",
        shows_ru="Войти в ML Art",
    ),
    Page("email", "/accounts/email/", signed_in=True),
    Page("password-change", "/accounts/password/change/", signed_in=True),
    Page(
        "two-factor",
        "/accounts/2fa/",
        signed_in=True,
        shows="Authenticator App",
        shows_ru="Приложение аутентификатор",
    ),
    Page(
        "speaker-claim",
        "/speaker/",
        signed_in=True,
        shows="No speaker profile waits",
        shows_ru="профиля спикера нет",
    ),
    Page(
        "speaker-edit",
        "/speaker/",
        signed_in=True,
        speaker=True,
        shows="Save profile",
        shows_ru="Сохранить профиль",
    ),
]
VIEWPORTS = [PHONE, DESKTOP]
# The browser's language picks the page's (Accept-Language), as for a first visit.
LOCALES = {"en": "en-GB", "ru": "ru-RU"}
SIGN_OUT = {"en": "Sign out", "ru": "Выйти"}


def _params():
    for page in PAGES:
        marks = [pytest.mark.xfail(strict=False, reason=page.known_issue)] * bool(page.known_issue)
        yield pytest.param(page, id=page.id, marks=marks)


def _arrange(target, user, event):
    """Put the database in the state the page is checked in."""
    from allauth.account.models import EmailAddress

    from schedule.demo import coming_saturday, load_demo
    from schedule.models import Speaker
    from tests.factories import make_registration

    if target.upcoming:
        event, _ = load_demo(coming_saturday(dt.date.today()))
    if target.unverified:
        EmailAddress.objects.filter(user=user).update(verified=False)
    if target.registered:
        make_registration(user, event)
    if target.speaker:
        Speaker.objects.filter(slug="alexander-mordvintsev").update(user=user)


def format_violations(violations):
    lines = []
    for violation in violations:
        targets = [", ".join(node["target"]) for node in violation["nodes"]]
        lines.append(
            f"- {violation['id']} ({violation['impact']}): {violation['help']}\n"
            f"    on {len(targets)} element(s): {'; '.join(targets[:8])}"
        )
    return "\n".join(lines)


# English in both colour schemes, Russian in the light one (its longer words).
LOOKS = [("en", "light"), ("en", "dark"), ("ru", "light")]


@pytest.mark.parametrize(("language", "scheme"), LOOKS, ids=["-".join(look) for look in LOOKS])
@pytest.mark.parametrize("target", list(_params()))
def test_page_has_no_serious_accessibility_violations(
    new_page, live_server, user, e2e_demo_event, target, language, scheme
):
    """One test per page, language and colour scheme checks both widths: a live-server
    test costs a database flush, so the page is loaded again at each width in the same
    context. The dark scheme is the browser's ``prefers-color-scheme: dark``."""
    _arrange(target, user, e2e_demo_event)
    page = new_page(locale=LOCALES[language], color_scheme=scheme)
    if scheme == "dark":
        assert page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    if target.signed_in:
        sign_in(page, user, live_server.url)
    failures = []
    for viewport in VIEWPORTS:
        page.set_viewport_size(viewport)
        response = page.goto(target.path)
        if response.status == 404:
            pytest.skip(f"{target.path} is not on this branch yet (404)")
        assert response.status == target.status, f"{target.path} answered {response.status}"
        assert page.locator("html").get_attribute("lang") == language
        if target.signed_in:
            expect(page.get_by_role("button", name=SIGN_OUT[language])).to_be_visible()
        shows = target.shows_ru if language == "ru" else target.shows
        if shows:
            expect(page.locator("main")).to_contain_text(shows)
        # Long Russian words must not push the page sideways on a phone.
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            failures.append(f"at {viewport['width']} px: {overflow} px wider than the window")
        shot(page, f"{target.name}-{language}-{scheme}")
        if scheme == "dark":
            # The palette really switched (not only the media query).
            background = page.evaluate("getComputedStyle(document.documentElement).backgroundColor")
            assert background == "rgb(18, 18, 25)", background

        violations = Axe().run(page).response["violations"]
        REPORTS.mkdir(parents=True, exist_ok=True)
        report = REPORTS / f"{target.name}-{language}-{scheme}-{viewport['width']}.json"
        report.write_text(json.dumps(violations, indent=2))
        blocking = [v for v in violations if v["impact"] in BLOCKING_IMPACTS]
        if blocking:
            failures.append(f"at {viewport['width']} px:\n{format_violations(blocking)}")
    if failures:
        pytest.fail(
            f"axe found serious or critical violations on {target.path} " + "\n".join(failures)
        )


# Keyboard ------------------------------------------------------------------

FOCUSABLE = (
    "a[href], area[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), "
    "select:not([disabled]), textarea:not([disabled]), summary, iframe, "
    "[tabindex]:not([tabindex='-1']), [contenteditable='true']"
)
RECORD_FOCUS = """() => {
  window.__tabbed = [];
  document.addEventListener("focusin", (event) => {
    const el = event.target, style = getComputedStyle(el);
    el.dataset.tabbed = "1";
    window.__tabbed.push({
      html: el.outerHTML.slice(0, 120),
      outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0,
      shadow: style.boxShadow !== "none",
    });
  });
}"""
UNREACHED = """(selector) => [...document.querySelectorAll(selector)]
  .filter((el) => el.getClientRects().length && getComputedStyle(el).visibility !== "hidden")
  .filter((el) => !el.dataset.tabbed)
  .map((el) => el.outerHTML.slice(0, 120))"""


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_keyboard_reaches_skip_link_first_then_every_control(
    request, new_page, e2e_demo_event, signed_in
):
    page = request.getfixturevalue("signed_in_page") if signed_in else new_page()
    page.goto("/")
    page.evaluate(RECORD_FOCUS)

    page.keyboard.press("Tab")
    skip_link = page.locator(".skip-link")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    box = skip_link.bounding_box()
    assert box and box["x"] >= 0 and box["y"] >= 0 and box["width"] > 0, box
    shot(page, "skip-link-focused", full_page=False)

    focusable = page.locator(FOCUSABLE).count()
    for _ in range(focusable + 2):
        page.keyboard.press("Tab")
    unreached = page.evaluate(UNREACHED, FOCUSABLE)
    assert not unreached, f"not reachable with Tab: {unreached}"
    tabbed = page.evaluate("window.__tabbed")
    invisible_focus = [t["html"] for t in tabbed if not (t["outline"] or t["shadow"])]
    assert not invisible_focus, f"no visible focus indicator on: {invisible_focus}"


def test_skip_link_moves_focus_to_main_content(page, e2e_demo_event):
    page.goto("/events/ml-art-datafest-2020/schedule/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    focused_inside_main = page.evaluate("document.activeElement.closest('main') !== null")
    assert focused_inside_main, "the next Tab after the skip link should stay in the content"
