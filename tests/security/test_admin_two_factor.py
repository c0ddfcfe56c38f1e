"""Two-factor sign-in for the back office (accounts/two_factor.py with allauth.mfa):
staff open no admin page before they enrol an authenticator app, nor in a session
that skipped the code; wrong codes are throttled like wrong passwords."""

import re

import pytest
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from schedule.models import Event
from tests.factories import PASSWORD, make_event, make_user
from tests.mfa import TwoFactorClient, enrol_totp, totp_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

ACTIVATE = "/accounts/2fa/totp/activate/"
AUTHENTICATE = "/accounts/2fa/authenticate/"


def admin_paths(event):
    """Every page of the admin without a parameter, and the pages of one event."""
    paths = ["/admin/", "/admin/password_change/"]
    for model, _model_admin in admin.site._registry.items():
        opts = model._meta
        paths.append(f"/admin/{opts.app_label}/")
        paths.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        paths.append(reverse(f"admin:{opts.app_label}_{opts.model_name}_add"))
    for view in ("change", "history", "delete"):
        paths.append(reverse(f"admin:schedule_event_{view}", args=[event.pk]))
    paths.append("/admin/autocomplete/?app_label=schedule&model_name=room&field_name=event")
    return sorted(set(paths))


@pytest.fixture
def boss(db):
    return make_user("boss@example.com", is_staff=True, is_superuser=True)


def test_staff_without_an_authenticator_is_sent_to_enrol_from_every_admin_url(boss):
    event = make_event(name="Hidden Gala")
    client = Client()
    client.force_login(boss)
    paths = admin_paths(event)
    assert len(paths) > 20
    for path in paths:
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == ACTIVATE, path
    # Nor does a POST get through.
    response = client.post(reverse("admin:schedule_event_delete", args=[event.pk]), {"post": "yes"})
    assert response["Location"] == ACTIVATE
    assert Event.objects.filter(pk=event.pk).exists()


def test_the_enrolment_page_says_why_after_the_password_is_confirmed(client, boss):
    client.post("/accounts/login/", {"login": boss.email, "password": PASSWORD})
    response = client.get("/admin/schedule/", follow=True)
    # allauth asks for the password again before anyone adds an authenticator.
    assert response.redirect_chain[-1][0] == "/accounts/reauthenticate/?next=" + ACTIVATE.replace(
        "/", "%2F"
    )
    page = response.content.decode()
    assert "The back office needs two-factor sign-in" in page
    confirmed = client.post(response.redirect_chain[-1][0], {"password": PASSWORD}, follow=True)
    assert 'name="code"' in confirmed.content.decode()


def test_enrolled_staff_in_a_session_without_the_code_is_asked_for_it(boss):
    enrol_totp(boss)
    client = Client()
    client.force_login(boss)  # a session that never passed the second step
    for path in admin_paths(make_event()):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"].startswith("/accounts/2fa/reauthenticate/?next="), path


def test_enrolled_staff_after_the_code_open_every_admin_url(boss):
    enrol_totp(boss)
    client = TwoFactorClient()
    client.force_login(boss)
    for path in admin_paths(make_event()):
        response = client.get(path)
        # The event log and the outbox are read-only: their add pages are refused,
        # but not sent away.
        read_only = ("/eventauditlog/add/", "/joinclick/add/", "/message/add/")
        expected = 403 if path.endswith(read_only) else 200
        assert response.status_code == expected, (path, response.status_code)
    assert "Run your events" in client.get("/admin/").content.decode()


def test_admin_logout_works_before_enrolling(boss):
    client = Client()
    client.force_login(boss)
    response = client.post(reverse("admin:logout"))
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


# Transactional: allauth announces the new authenticator once the activation commits,
# within the request, as in production. Serialized rollback keeps the migrations' data
# (the Organisers group) for the tests that follow.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_staff_enrols_with_a_code_and_then_opens_the_back_office(client, boss):
    login = client.post(
        "/accounts/login/?next=/admin/", {"login": boss.email, "password": PASSWORD}
    )
    assert login["Location"] == "/admin/"
    assert client.get("/admin/")["Location"] == ACTIVATE
    reauthenticate = client.get(ACTIVATE)["Location"]
    assert reauthenticate.startswith("/accounts/reauthenticate/")
    client.post(reauthenticate, {"password": PASSWORD})

    page = client.get(ACTIVATE).content.decode()
    secret = client.session["mfa.totp.secret"]
    assert secret in page  # the key to type when the QR code cannot be scanned

    wrong = client.post(ACTIVATE, {"code": "000000"})
    assert "Incorrect code" in wrong.content.decode()
    assert not Authenticator.objects.filter(user=boss).exists()

    response = client.post(ACTIVATE, {"code": totp_code(secret)})
    assert response["Location"] == "/accounts/2fa/recovery-codes/"
    codes_page = client.get("/accounts/2fa/recovery-codes/").content.decode()
    codes = re.findall(r"\b\d{8}\b", codes_page)
    assert len(set(codes)) == 10
    # Shown once: the next visit shows no codes.
    again = client.get("/accounts/2fa/recovery-codes/").content.decode()
    assert not set(codes) & set(re.findall(r"\b\d{8}\b", again))

    assert "Run your events" in client.get("/admin/").content.decode()


def test_sign_in_asks_for_the_code_and_then_opens_the_back_office(client, boss):
    secret, _codes = enrol_totp(boss)
    login = client.post(
        "/accounts/login/?next=/admin/", {"login": boss.email, "password": PASSWORD}
    )
    assert login["Location"] == AUTHENTICATE
    assert "_auth_user_id" not in client.session  # not signed in on the password alone
    response = client.post(AUTHENTICATE, {"code": totp_code(secret)})
    assert response["Location"] == "/admin/"
    assert "Run your events" in client.get("/admin/").content.decode()


def test_a_recovery_code_signs_in_once(client, boss):
    _secret, codes = enrol_totp(boss)
    client.post("/accounts/login/", {"login": boss.email, "password": PASSWORD})
    response = client.post(AUTHENTICATE, {"code": codes[0]})
    assert response.status_code == 302
    assert "Run your events" in client.get("/admin/").content.decode()

    other = TwoFactorClient()
    other.post("/accounts/login/", {"login": boss.email, "password": PASSWORD})
    reused = other.post(AUTHENTICATE, {"code": codes[0]})
    assert reused.status_code == 200
    assert "Incorrect code" in reused.content.decode()


def test_wrong_codes_are_throttled_like_wrong_passwords(client, boss):
    secret, _codes = enrol_totp(boss)
    client.post("/accounts/login/", {"login": boss.email, "password": PASSWORD})
    for _attempt in range(5):
        response = client.post(AUTHENTICATE, {"code": "123456"})
        assert "Incorrect code" in response.content.decode()
    locked = client.post(AUTHENTICATE, {"code": totp_code(secret)})
    assert "Too many failed login attempts" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    assert client.get("/admin/")["Location"].startswith("/admin/login/")


def test_attendees_are_not_asked_for_two_factor_but_offered_it(client):
    person = make_user("attendee@example.com")
    client.force_login(person)
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert 'href="/accounts/2fa/"' in profile
    page = client.get("/accounts/2fa/")
    assert page.status_code == 200
    assert "Authenticator App" in page.content.decode()
    assert client.get("/").status_code == 200
    # The admin refuses them for lack of staff status, not for two-factor.
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
