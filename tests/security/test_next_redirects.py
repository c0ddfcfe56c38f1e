"""Every view that reads ``next`` answers a hostile value with a redirect to a safe
place on this site, never a 500 and never another site."""

from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from tests.factories import PASSWORD, make_event, make_user

pytestmark = pytest.mark.django_db

HOSTILE = [
    "0",
    "-1",
    "a@b",
    "NaN",
    "1e309",
    "99999999999999999999",
    "ä漢字🙂",
    "schedule:home",
    "admin:index",
    "//evil.example/",
    "https://evil.example/",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    " /events/",
    "/events/\x00",
    "",
]


def assert_safe_redirect(response, request_host="testserver"):
    assert response.status_code in (302, 303), response.status_code
    target = urlsplit(response["Location"])
    assert target.scheme in ("", "http", "https")
    assert target.netloc in ("", request_host), response["Location"]
    assert target.path.startswith("/"), response["Location"]


@pytest.fixture
def verified(db):
    return make_user("next-tester@example.com")


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize("action", ["register", "cancel"])
def test_register_and_cancel_with_a_hostile_next(client, verified, value, action):
    event = make_event()
    client.force_login(verified)
    response = client.post(
        reverse("schedule:event-register", args=[event.slug]), {"action": action, "next": value}
    )
    assert_safe_redirect(response)


@pytest.mark.parametrize("value", HOSTILE)
def test_calendar_reset_with_a_hostile_next(client, verified, value):
    client.force_login(verified)
    response = client.post(reverse("accounts:calendar-reset"), {"next": value})
    assert_safe_redirect(response)


@pytest.mark.parametrize("value", HOSTILE)
def test_resend_verification_with_a_hostile_next(client, value):
    person = make_user("unverified-next@example.com", verified=False)
    client.force_login(person)
    response = client.post(
        reverse("account_email"), {"email": person.email, "action_send": "", "next": value}
    )
    assert_safe_redirect(response)


@pytest.mark.parametrize("value", HOSTILE)
def test_login_with_a_hostile_next(client, verified, value):
    response = client.post(
        reverse("account_login"),
        {"login": verified.email, "password": PASSWORD, "next": value},
    )
    assert_safe_redirect(response)


@pytest.mark.parametrize("value", HOSTILE)
def test_sign_in_page_with_a_hostile_next_renders(client, value):
    response = client.get(reverse("account_login"), {"next": value})
    assert response.status_code == 200


def test_a_same_site_next_is_followed(client, verified):
    event = make_event()
    client.force_login(verified)
    schedule = reverse("schedule:event-schedule", args=[event.slug])
    response = client.post(
        reverse("schedule:event-register", args=[event.slug]),
        {"action": "register", "next": f"{schedule}?tz=viewer"},
    )
    assert response["Location"] == f"{schedule}?tz=viewer"
