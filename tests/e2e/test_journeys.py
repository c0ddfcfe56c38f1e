"""Journeys across pages, one test from the first page to the end, as a person clicks."""

import datetime as dt
import re
from urllib.parse import unquote

import pytest
from playwright.sync_api import expect

from schedule.models import Talk
from tests.e2e.conftest import PHONE
from tests.e2e.helpers import (
    enrol_staff,
    enter_totp_code,
    image_loads,
    last_email,
    links_in,
    log_in_with_form,
    shot,
    sign_in,
)

EVENT_PATH = "/events/ml-art-datafest-2020/"
SCHEDULE_PATH = "/events/ml-art-datafest-2020/schedule/"
EVENING_TITLE = "Evening talk added in the back office"
UTC = dt.UTC


def choose_in_autocomplete(page, select_id, search, option_text):
    """Pick an option of an admin autocomplete (select2) widget as a person does:
    open it, type, click the suggestion."""
    page.locator(f"#{select_id} + .select2").click()
    page.locator(".select2-container--open .select2-search__field").fill(search)
    page.locator(".select2-results__option", has_text=option_text).first.click()
    expect(page.locator(f"#{select_id} + .select2")).to_contain_text(option_text)


def _evening_event(event):
    """The seed event ends at 19:00 MSK; give the new 19:00 talk room until 21:00."""
    event.end = event.end.replace(hour=18)  # 21:00 MSK is 18:00 UTC
    event.save(update_fields=["end"])
    return event


def test_organiser_adds_talk_in_admin_and_it_appears_on_schedule(page, e2e_demo_event):
    from tests.factories import make_user

    _evening_event(e2e_demo_event)
    boss = make_user(
        "boss@example.com", password="pw-superuser-123", is_staff=True, is_superuser=True
    )
    secret = enrol_staff(boss)

    log_in_with_form(page, "boss@example.com", "pw-superuser-123", path="/admin/")
    enter_totp_code(page, secret)
    expect(page.locator("#site-name")).to_contain_text("Eventsite back office")
    shot(page, "admin-index")

    page.get_by_role("link", name="Talks").first.click()
    page.get_by_role("link", name=re.compile(r"Add talk")).click()
    choose_in_autocomplete(page, "id_event", "Machine", "Machine Learning Art")
    page.locator("#id_title").press_sequentially(EVENING_TITLE)
    expect(page.locator("#id_slug")).to_have_value("evening-talk-added-in-the-back-office")
    page.select_option("#id_state", label="Published")
    page.select_option("#id_room", label="ML Art (Machine Learning Art)")
    page.fill("#id_start_0", "2020-09-19")
    page.fill("#id_start_1", "19:00")
    page.fill("#id_end_0", "2020-09-19")
    page.fill("#id_end_1", "19:30")
    choose_in_autocomplete(page, "id_talk_speakers-0-speaker", "Mordv", "Alexander Mordvintsev")
    shot(page, "admin-talk-form")
    page.locator("input[name=_save]").click()

    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    row = page.locator("#result_list tr", has_text=EVENING_TITLE)
    expect(row).to_contain_text("19:00 MSK")
    expect(row).to_contain_text("Alexander Mordvintsev")
    shot(page, "admin-talk-list")

    talk = Talk.objects.get(title=EVENING_TITLE)
    assert talk.start == dt.datetime(2020, 9, 19, 16, 0, tzinfo=UTC)
    assert talk.end == dt.datetime(2020, 9, 19, 16, 30, tzinfo=UTC)
    assert talk.state == Talk.State.PUBLISHED
    assert [s.name for s in talk.speakers.all()] == ["Alexander Mordvintsev"]

    page.goto(SCHEDULE_PATH)
    expect(page.get_by_role("link", name=EVENING_TITLE)).to_be_visible()
    shot(page, "schedule")
    page.get_by_role("link", name=EVENING_TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(EVENING_TITLE)
    expect(page.get_by_role("link", name="Alexander Mordvintsev")).to_be_visible()
    shot(page, "talk")


@pytest.mark.parametrize("form", ["talk", "event"])
def test_admin_now_shortcut_fills_the_events_clock(new_page, e2e_demo_event, form):
    """Times are entered in the event's zone; "Now" must not fill the UTC clock."""
    from zoneinfo import ZoneInfo

    from tests.factories import make_user

    boss = make_user(
        "boss@example.com", password="pw-superuser-123", is_staff=True, is_superuser=True
    )
    secret = enrol_staff(boss)
    page = new_page(timezone_id="America/New_York")
    log_in_with_form(page, "boss@example.com", "pw-superuser-123", path="/admin/")
    enter_totp_code(page, secret)
    if form == "talk":
        page.goto(f"/admin/schedule/talk/{e2e_demo_event.talks.first().pk}/change/")
    else:
        page.goto(f"/admin/schedule/event/{e2e_demo_event.pk}/change/")
    page.locator("#id_start_1 ~ .datetimeshortcuts a", has_text="Now").click()
    page.locator("#id_start_0 ~ .datetimeshortcuts a", has_text="Today").click()
    filled = dt.datetime.strptime(
        page.input_value("#id_start_0") + " " + page.input_value("#id_start_1"),
        "%Y-%m-%d %H:%M:%S",  # the admin's input format in English
    )
    moscow_now = dt.datetime.now(ZoneInfo("Europe/Moscow")).replace(tzinfo=None)
    assert abs(filled - moscow_now) < dt.timedelta(minutes=2), (filled, moscow_now)
    expect(page.locator(".timezonewarning").first).to_have_text(
        "Note: You are 8 hours behind the event's time (Europe/Moscow)."
    )
    shot(page, f"admin-{form}-now-shortcut")


def test_talk_added_at_1900_msk_is_listed_at_1900_msk_on_schedule(page, e2e_demo_event):
    """The admin journey above stores 16:00 UTC; the schedule shows it as 19:00 MSK."""
    from tests.factories import make_talk

    _evening_event(e2e_demo_event)
    make_talk(
        e2e_demo_event,
        e2e_demo_event.rooms.get(),
        start=dt.datetime(2020, 9, 19, 16, 0, tzinfo=UTC),
        title=EVENING_TITLE,
        slug="evening-talk",
    )
    page.goto(SCHEDULE_PATH)
    talk_entry = page.locator("li, tr, article", has_text=EVENING_TITLE).last
    expect(talk_entry).to_contain_text("19:00")
    expect(talk_entry).to_contain_text("MSK")


def test_browser_time_zone_is_remembered_in_tz_cookie(new_page, e2e_demo_event):
    page = new_page(timezone_id="America/New_York")
    page.goto(SCHEDULE_PATH)
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    assert unquote(cookies.get("tz", "")) == "America/New_York", cookies


def test_schedule_shows_new_york_time_beside_moscow_time(new_page, e2e_demo_event):
    page = new_page(timezone_id="America/New_York")
    page.goto(SCHEDULE_PATH)  # the first visit sets the tz cookie...
    page.reload()  # ...which the server reads from the next request on
    shot(page, "schedule")
    first_talk = page.locator("li, tr, article", has_text="Neural Cellular Automata").last
    # 2020-09-19 16:00 MSK (UTC+3) is 09:00 in New York (EDT, UTC-4).
    expect(first_talk).to_contain_text("16:00 MSK")
    expect(first_talk).to_contain_text("09:00")


def test_profile_time_zone_wins_over_browser_zone_on_schedule(new_page, live_server, user):
    from schedule.demo import load_demo

    load_demo()
    user.timezone = "Asia/Tokyo"
    user.save(update_fields=["timezone"])
    page = new_page(timezone_id="America/New_York")
    sign_in(page, user, live_server.url)
    page.goto(SCHEDULE_PATH)
    page.reload()
    shot(page, "schedule")
    first_talk = page.locator("li, tr, article", has_text="Neural Cellular Automata").last
    # 2020-09-19 16:00 MSK (UTC+3) is 22:00 in Tokyo (UTC+9); the profile beats the cookie.
    expect(first_talk).to_contain_text("16:00 MSK")
    expect(first_talk).to_contain_text("22:00")
    expect(first_talk).not_to_contain_text("09:00")


@pytest.mark.parametrize("viewport", [PHONE, None], ids=["375", "1280"])
def test_browsing_without_javascript(new_page, e2e_demo_event, viewport):
    options = {"java_script_enabled": False}
    if viewport:
        options["viewport"] = viewport
    page = new_page(**options)

    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    shot(page, "home")
    page.get_by_role("link", name="Machine Learning Art").click()
    expect(page).to_have_url(re.compile(re.escape(EVENT_PATH) + "$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Machine Learning Art")
    shot(page, "event")
    page.get_by_role("link", name="Schedule", exact=True).click()
    expect(page).to_have_url(re.compile(re.escape(SCHEDULE_PATH) + "$"))
    for title in (
        "Differentiable Self-Organisation with Neural Cellular Automata",
        "A non-existent designer with real satisfied customers",
        "The neural network art gallery",
    ):
        expect(page.get_by_role("link", name=title)).to_be_visible()
    shot(page, "schedule")
    page.get_by_role("link", name="The neural network art gallery").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The neural network art gallery")
    expect(page.get_by_role("link", name="Evgeny Kashin")).to_be_visible()
    expect(page.get_by_role("link", name="Yuri Viazovetskyi")).to_be_visible()
    shot(page, "talk")
    page.get_by_role("link", name="Evgeny Kashin").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Evgeny Kashin")
    shot(page, "speaker")
    # Without JavaScript no tz cookie is set: the event's own zone is shown alone.
    assert "tz" not in {c["name"] for c in page.context.cookies()}


def test_forgotten_password_is_reset_through_the_emailed_link(page, user, e2e_demo_event):
    page.goto("/")
    page.get_by_role("link", name="Sign in").click()
    page.get_by_role("link", name=re.compile("Forgot", re.I)).click()
    page.fill("input[name=email]", user.email)
    shot(page, "reset-request")
    page.locator("main form button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/done/$"))

    message = last_email(to=user.email)
    reset_link = next(link for link in links_in(message) if "/password/reset/key/" in link)
    page.goto(reset_link)
    page.fill("input[name=password1]", "a-new-long-pass-phrase-42")
    page.fill("input[name=password2]", "a-new-long-pass-phrase-42")
    shot(page, "reset-new-password")
    page.get_by_role("button", name=re.compile("password", re.I)).click()
    expect(page).to_have_url(re.compile(r"/accounts/password/reset/key/done/$"))

    log_in_with_form(page, user.email, "a-new-long-pass-phrase-42")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    shot(page, "signed-in")


# Attendee and speaker journeys ---------------------------------------------

JOIN_INSTRUCTIONS = "Find the ML ART room in the room list!"


@pytest.fixture
def future_demo_event(live_server):
    """The seed event moved to the coming Saturday (so registration is open), its
    room pointed at a page of the live server instead of Spatial Chat."""
    from schedule.demo import coming_saturday, load_demo

    event, _ = load_demo(coming_saturday(dt.date.today()))
    event.rooms.filter(slug="ml-art").update(join_url=live_server.url + "/healthz")
    return event


def join_panel(page):
    return page.locator(".join-panel")


def test_attendee_signs_up_registers_joins_and_cancels(page, future_demo_event):
    from schedule.models import JoinClick, Registration

    email = "new.attendee@example.org"
    password = "a-long-pass-phrase-for-ml-art"

    page.goto(EVENT_PATH)
    expect(page.get_by_role("heading", level=1)).to_have_text("Machine Learning Art")
    expect(join_panel(page)).not_to_contain_text(JOIN_INSTRUCTIONS)
    shot(page, "event-anonymous")

    join_panel(page).get_by_role("link", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign up")
    page.get_by_label(re.compile(r"^e-?mail", re.I)).fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_label(re.compile(r"Password \(again\)")).fill(password)
    shot(page, "signup")
    page.get_by_role("button", name="Sign up").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify your e-mail address")
    shot(page, "verification-sent")

    message = last_email(to=email)
    confirm_link = next(link for link in links_in(message) if "/confirm-email/" in link)
    page.goto(confirm_link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your e-mail address")
    expect(page.locator("main")).to_contain_text(email)
    shot(page, "confirm-email")
    page.get_by_role("button", name="Confirm").click()

    # The sign-up link carried ?next=<event>: the person is signed in and back on the event.
    expect(page).to_have_url(re.compile(re.escape(EVENT_PATH) + "$"))
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    shot(page, "event-verified")

    join_panel(page).get_by_role("button", name="Register").click()
    expect(page.locator(".messages")).to_contain_text("You are registered for Machine Learning Art")
    expect(join_panel(page)).to_contain_text(JOIN_INSTRUCTIONS)
    join_link = join_panel(page).get_by_role("link", name="Join ML Art")
    expect(join_link).to_have_attribute("href", "/events/ml-art-datafest-2020/join/ml-art/")
    shot(page, "event-registered")
    assert Registration.objects.get(user__email=email).status == Registration.Status.CONFIRMED

    join_link.click()
    expect(page).to_have_url(re.compile(r"/healthz$"))
    shot(page, "join-target")
    assert JoinClick.objects.filter(user__email=email, room__slug="ml-art").count() == 1

    page.go_back()
    expect(page).to_have_url(re.compile(re.escape(EVENT_PATH) + "$"))
    join_panel(page).get_by_role("button", name="Cancel my registration").click()
    expect(page.locator(".messages")).to_contain_text(
        "Your registration for Machine Learning Art is cancelled"
    )
    expect(join_panel(page)).not_to_contain_text(JOIN_INSTRUCTIONS)
    expect(join_panel(page).get_by_role("link", name="Join ML Art")).to_have_count(0)
    expect(join_panel(page).get_by_role("button", name="Register again")).to_be_visible()
    shot(page, "event-cancelled")
    assert Registration.objects.get(user__email=email).status == Registration.Status.CANCELLED


def test_speaker_claims_profile_edits_bio_and_photo_and_sees_public_page(
    page, settings, tmp_path, e2e_demo_event
):
    from PIL import Image

    from tests.factories import PASSWORD, make_user

    settings.MEDIA_ROOT = tmp_path / "media"
    photo = tmp_path / "portrait.jpg"
    Image.new("RGB", (640, 480), "teal").save(photo, "JPEG")
    make_user("alexander.mordvintsev@speakers.example")

    log_in_with_form(page, "alexander.mordvintsev@speakers.example", PASSWORD)
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    page.goto("/speaker/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your speaker profile")
    expect(page.locator(".claim-list")).to_contain_text("Alexander Mordvintsev")
    shot(page, "claim")
    page.get_by_role("button", name=re.compile("claim")).click()

    expect(page.locator(".messages")).to_contain_text("You now manage the speaker profile")
    expect(page.get_by_label("Name")).to_have_value("Alexander Mordvintsev")
    shot(page, "edit-claimed")
    page.get_by_label(re.compile("^Bio")).fill(
        "Alexander grows *self-organising* patterns; read "
        "[Growing Neural Cellular Automata](https://distill.pub/2020/growing-ca/)."
    )
    page.get_by_label(re.compile("^Upload a photo")).set_input_files(photo)
    shot(page, "edit-filled")
    page.get_by_role("button", name="Save profile").click()

    expect(page.locator(".messages")).to_contain_text("Your speaker profile is saved")
    current = page.get_by_role("img", name="Your current photo")
    expect(current).to_have_attribute("src", re.compile(r"^/media/"))
    # The live server serves MEDIA_ROOT (Django's _MediaFilesHandler): the file loads.
    assert image_loads(current)
    shot(page, "edit-saved")

    page.get_by_role("link", name="View public page").click()
    expect(page).to_have_url(re.compile(r"/speakers/alexander-mordvintsev/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Alexander Mordvintsev")
    shot(page, "public-page")
    main = page.locator("main")
    expect(main.locator("em", has_text="self-organising")).to_be_visible()
    expect(main.get_by_role("link", name="Growing Neural Cellular Automata")).to_have_attribute(
        "href", "https://distill.pub/2020/growing-ca/"
    )
    public_photo = main.locator("img").first
    expect(public_photo).to_have_attribute("src", re.compile(r"/media/"))
    assert image_loads(public_photo)


def test_registration_works_without_javascript(new_page, live_server, user, future_demo_event):
    page = new_page(java_script_enabled=False)
    sign_in(page, user, live_server.url)
    page.goto(EVENT_PATH)
    expect(join_panel(page)).to_contain_text("Register to get the invite.")
    shot(page, "event")
    join_panel(page).get_by_role("button", name="Register").click()
    expect(page).to_have_url(re.compile(re.escape(EVENT_PATH) + "$"))
    expect(page.locator(".messages")).to_contain_text("You are registered for Machine Learning Art")
    expect(join_panel(page)).to_contain_text(JOIN_INSTRUCTIONS)
    expect(join_panel(page).get_by_role("link", name="Join ML Art")).to_be_visible()
    shot(page, "event-registered")


def test_speaker_edit_with_preview_works_without_javascript(
    new_page, live_server, user, e2e_demo_event
):
    from schedule.models import Speaker

    Speaker.objects.filter(slug="evgeny-kashin").update(user=user)
    page = new_page(java_script_enabled=False)
    sign_in(page, user, live_server.url)
    page.goto("/")
    page.get_by_role("link", name="Speaker profile").click()
    expect(page.get_by_label("Name")).to_have_value("Evgeny Kashin")
    bio = "Evgeny curates *neural* art at [mlart.org](https://mlart.org/)."
    page.get_by_label(re.compile("^Bio")).fill(bio)
    page.get_by_role("button", name="Preview bio").click()

    preview = page.locator(".speaker-preview")
    expect(preview.locator("em")).to_have_text("neural")
    expect(preview.get_by_role("link", name="mlart.org")).to_have_attribute(
        "href", "https://mlart.org/"
    )
    expect(page.get_by_label(re.compile("^Bio"))).to_have_value(bio)
    assert Speaker.objects.get(slug="evgeny-kashin").bio != bio  # a preview saves nothing
    shot(page, "preview")

    page.get_by_role("button", name="Save profile").click()
    expect(page.locator(".messages")).to_contain_text("Your speaker profile is saved")
    expect(page.locator(".speaker-preview")).to_have_count(0)
    shot(page, "saved")
    assert Speaker.objects.get(slug="evgeny-kashin").bio == bio


def test_enter_in_a_field_saves_the_speaker_profile(new_page, live_server, user, e2e_demo_event):
    from schedule.models import Speaker

    Speaker.objects.filter(slug="evgeny-kashin").update(user=user)
    page = new_page()
    sign_in(page, user, live_server.url)
    page.goto("/speaker/")
    page.get_by_label("Headline / affiliation").fill("Curator, mlart.org")
    page.get_by_label("Headline / affiliation").press("Enter")
    expect(page.locator(".messages")).to_contain_text("Your speaker profile is saved")
    expect(page.locator(".speaker-preview")).to_have_count(0)
    assert Speaker.objects.get(slug="evgeny-kashin").headline == "Curator, mlart.org"
