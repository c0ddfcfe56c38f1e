"""Two-factor sign-in in the browser: a member of an event's team enrols an authenticator
app on the way to the back office, signs in again with a code, is refused on a wrong
one, and gets in with a recovery code. Codes are computed here (tests/mfa.py)."""

import re

import pytest
from allauth.mfa.models import Authenticator
from playwright.sync_api import expect

from schedule.models import EventTeamMember
from tests.e2e.conftest import DESKTOP, PHONE
from tests.e2e.helpers import (
    enrol_staff,
    enter_totp_code,
    log_in_with_form,
    organisers_group,
    shot,
)
from tests.factories import PASSWORD, make_user
from tests.mfa import totp_code


def sign_out(page):
    page.goto("/accounts/logout/")
    page.locator("main form button[type=submit]").first.click()
    page.wait_for_load_state()


def password_step(page, email):
    log_in_with_form(page, email, PASSWORD, path="/admin/")


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["375", "1280"])
def test_organiser_enrols_signs_in_with_code_and_recovery_code(new_page, e2e_demo_event, viewport):
    organiser = make_user("ml-art-team@example.com", is_staff=True)
    organiser.groups.add(organisers_group())
    EventTeamMember.objects.create(event=e2e_demo_event, user=organiser)
    page = new_page(viewport=viewport)

    # The password alone does not open the back office: allauth asks for it again,
    # then shows the authenticator to add.
    password_step(page, organiser.email)
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    expect(page.locator(".messages")).to_contain_text("The back office needs two-factor sign-in")
    shot(page, "reauthenticate")
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").first.click()

    expect(page).to_have_url(re.compile(r"/accounts/2fa/totp/activate/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Activate Authenticator App")
    expect(page.locator("main img[src^='data:image/svg+xml']")).to_be_visible()
    shot(page, "activate")
    secret = page.input_value("#authenticator_secret")
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)

    page.fill("input[name=code]", "000000")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("main")).to_contain_text("Incorrect code")
    shot(page, "activate-wrong-code")
    page.fill("input[name=code]", totp_code(secret))
    page.locator("main form button[type=submit]").first.click()

    # Recovery codes, shown this once.
    expect(page).to_have_url(re.compile(r"/accounts/2fa/recovery-codes/"))
    codes = page.input_value("#recovery_codes").split()
    assert len(codes) == 10
    shot(page, "recovery-codes")
    assert Authenticator.objects.filter(user=organiser).count() == 2  # app and codes

    page.goto("/admin/")
    expect(page.locator("#site-name")).to_contain_text("Eventsite back office")
    expect(page.locator("#content")).to_contain_text("Events")
    shot(page, "admin-after-enrolment")

    page.goto("/accounts/2fa/recovery-codes/")
    expect(page.locator("main")).not_to_contain_text(codes[0])
    expect(page.get_by_role("link", name="Generate new codes")).to_be_visible()

    # Signing in again: password, then a code; a wrong code is refused.
    sign_out(page)
    password_step(page, organiser.email)
    expect(page).to_have_url(re.compile(r"/accounts/2fa/authenticate/"))
    shot(page, "code-step")
    page.fill("input[name=code]", "123456")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("main")).to_contain_text("Incorrect code")
    shot(page, "code-step-wrong")
    enter_totp_code(page, secret, periods_ahead=1)
    expect(page.locator("#site-name")).to_contain_text("Eventsite back office")

    # A recovery code instead of the app, once.
    sign_out(page)
    password_step(page, organiser.email)
    page.wait_for_url("**/accounts/2fa/authenticate/**")
    page.fill("input[name=code]", codes[0])
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("#site-name")).to_contain_text("Eventsite back office")
    sign_out(page)
    password_step(page, organiser.email)
    page.wait_for_url("**/accounts/2fa/authenticate/**")
    page.fill("input[name=code]", codes[0])
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator("main")).to_contain_text("Incorrect code")


def test_attendee_finds_two_factor_on_the_profile(new_page, live_server, user):
    page = new_page(viewport=PHONE)
    log_in_with_form(page, user.email, PASSWORD)
    page.goto("/accounts/profile/")
    page.get_by_role("link", name="Set up or change two-factor sign-in").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/$"))
    expect(page.locator("main")).to_contain_text("Authenticator App")
    shot(page, "two-factor-index")


def virtual_authenticator(page):
    """Chromium's built-in authenticator (DevTools WebAuthn domain): a passkey that
    answers every request as if the person touched it."""
    session = page.context.new_cdp_session(page)
    session.send("WebAuthn.enable")
    session.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
                "automaticPresenceSimulation": True,
            }
        },
    )
    return session


def test_organiser_adds_a_passkey_and_signs_in_with_it(new_page, e2e_demo_event, settings):
    settings.MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True  # the live server speaks http
    organiser = make_user("ml-art-keys@example.com", is_staff=True)
    organiser.groups.add(organisers_group())
    EventTeamMember.objects.create(event=e2e_demo_event, user=organiser)
    secret = enrol_staff(organiser)
    page = new_page(viewport=DESKTOP)
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    virtual_authenticator(page)

    password_step(page, organiser.email)
    enter_totp_code(page, secret)
    page.goto("/accounts/2fa/webauthn/add/")
    if "/reauthenticate/" in page.url:
        page.fill("input[name=password]", PASSWORD)
        page.locator("main form button[type=submit]").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add Security Key")
    page.fill("input[name=name]", "Laptop passkey")
    shot(page, "add-passkey")
    page.locator("#mfa_webauthn_add").click()
    page.wait_for_load_state()
    expect(page.locator(".messages")).to_contain_text("Security key added")
    assert Authenticator.objects.filter(user=organiser, type=Authenticator.Type.WEBAUTHN).exists()

    sign_out(page)
    password_step(page, organiser.email)
    page.wait_for_url("**/accounts/2fa/authenticate/**")
    shot(page, "code-step-with-passkey")
    page.locator("#mfa_webauthn_authenticate").click()
    expect(page.locator("#site-name")).to_contain_text("Eventsite back office")
    assert not [e for e in errors if "Content Security Policy" in e], errors
