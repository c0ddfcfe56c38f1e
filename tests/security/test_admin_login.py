"""Staff sign in through the site's login (allauth), so the back office gets its
throttle on failed logins (``ACCOUNT_RATE_LIMITS["login_failed"]``) and, once
enabled, its two-factor step. The admin's own login form is never offered."""

import time
from types import SimpleNamespace

import pytest
from allauth.core.internal import ratelimit
from django.urls import reverse

from tests.factories import PASSWORD, make_user
from tests.mfa import enrol_totp, totp_code

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fast_password_hashing")]

LOCKED_OUT = "Too many failed login attempts. Try again later."
WRONG_PASSWORD = "The email address and/or password you specified are not correct."


def signed_in(client):
    return "_auth_user_id" in client.session


def login_page_offered_by_the_admin(client):
    """Where an anonymous visitor of /admin/ ends up, as a URL to post the form to."""
    response = client.get("/admin/", follow=True)
    final_url = response.redirect_chain[-1][0]
    assert final_url.startswith(reverse("account_login") + "?"), response.redirect_chain
    return final_url, response


@pytest.fixture
def staff(db):
    person = make_user("organiser@example.com", is_staff=True, is_superuser=True)
    person.totp_secret, _codes = enrol_totp(person)
    return person


def pass_second_step(client, staff, response):
    """After the right password, allauth asks for the authenticator's code."""
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_authenticate")
    return client.post(reverse("mfa_authenticate"), {"code": totp_code(staff.totp_secret)})


def post_login(client, url, password):
    return client.post(url, {"login": "organiser@example.com", "password": password})


def test_anonymous_admin_visit_ends_on_the_sites_login_page(client):
    url, response = login_page_offered_by_the_admin(client)
    assert url == "/accounts/login/?next=/admin/"
    page = response.content.decode()
    assert 'name="login"' in page
    assert 'name="password"' in page
    assert 'name="next" value="/admin/"' in page


def test_wrong_staff_passwords_lock_the_admin_login_like_the_sites(client, staff):
    url, _ = login_page_offered_by_the_admin(client)
    for _attempt in range(5):
        response = post_login(client, url, "not-the-password")
        assert response.status_code == 200
        assert WRONG_PASSWORD in response.content.decode()

    sixth = post_login(client, url, "not-the-password")
    assert sixth.status_code in (200, 429)
    assert LOCKED_OUT in sixth.content.decode()

    # Locked: even the right password is refused, and the back office stays shut.
    right = post_login(client, url, PASSWORD)
    assert LOCKED_OUT in right.content.decode()
    assert not signed_in(client)
    assert client.get("/admin/")["Location"].startswith("/admin/login/")

    # Once the five-minute window has passed, the right password gets in.
    later = time.time() + 5 * 60 + 1
    monkeypatched = SimpleNamespace(time=lambda: later, monotonic=time.monotonic, sleep=time.sleep)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(ratelimit, "time", monkeypatched)
        response = post_login(client, url, PASSWORD)
    response = pass_second_step(client, staff, response)
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
    assert signed_in(client)
    assert "Run your events" in client.get("/admin/").content.decode()


def test_credentials_posted_to_the_admin_login_url_never_sign_in(client, staff):
    for _attempt in range(25):
        response = client.post(
            "/admin/login/?next=/admin/",
            {"username": "organiser@example.com", "password": "not-the-password"},
        )
        assert response.status_code == 302
    response = client.post(
        "/admin/login/?next=/admin/", {"username": "organiser@example.com", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/admin/"
    assert not signed_in(client)


@pytest.mark.parametrize(
    ("query", "expected_next"),
    [
        ("", "/admin/"),
        ("?next=/admin/schedule/talk/%3Fq%3Dart", "/admin/schedule/talk/%3Fq%3Dart"),
        ("?next=https://evil.example/admin/", "/admin/"),
        ("?next=//evil.example/", "/admin/"),
        ("?next=schedule:home", "/admin/"),
        ("?next=javascript:alert(1)", "/admin/"),
    ],
    ids=["default", "admin-page", "other-site", "scheme-relative", "url-name", "javascript"],
)
def test_admin_login_redirects_to_the_sites_login_with_a_safe_next(client, query, expected_next):
    response = client.get(f"/admin/login/{query}")
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={expected_next}"


def test_staff_signed_in_through_the_sites_login_reach_the_back_office(client, staff):
    url, _ = login_page_offered_by_the_admin(client)
    response = pass_second_step(client, staff, post_login(client, url, PASSWORD))
    assert response["Location"] == "/admin/"
    assert "Run your events" in client.get("/admin/").content.decode()
    # A signed-in member of staff who opens the login URL goes straight in.
    assert client.get("/admin/login/?next=/admin/schedule/")["Location"] == "/admin/schedule/"


def test_signed_in_person_without_staff_status_is_refused_not_sent_round_in_circles(client):
    client.force_login(make_user("attendee@example.com"))
    response = client.get("/admin/", follow=True)
    assert response.status_code == 403
    assert len(response.redirect_chain) == 1


def test_admin_logout_signs_out(client, staff):
    client.force_login(staff)
    response = client.post(reverse("admin:logout"))
    assert response.status_code == 200
    assert "Logged out" in response.content.decode()
    assert not signed_in(client)
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
