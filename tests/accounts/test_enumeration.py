"""Sign-up and password reset answer the same whether an address has an account."""

import re

import pytest
from django.core import mail
from django.test import Client

from schedule import outbox
from tests.factories import PASSWORD, make_user

pytestmark = pytest.mark.django_db

EXISTING = "known@example.com"
NEW = "unknown@example.com"
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def visible(response):
    """The response as a person sees it: status, redirect target, page text."""
    return TOKEN.sub("", response.content.decode())


def delivered():
    """The mails sent once the worker has delivered the outbox."""
    outbox.deliver_all_due()
    return mail.outbox


def answer(path, data):
    """POST as a fresh visitor, follow the redirect; what the visitor sees and the mails."""
    mail.outbox.clear()
    client = Client()
    response = client.post(path, data)
    followed = client.get(response["Location"]) if response.status_code == 302 else None
    return {
        "status": response.status_code,
        "location": response.get("Location"),
        "body": visible(response),
        "next_status": followed.status_code if followed else None,
        "next_page": visible(followed).replace(data.get("email", ""), "<email>")
        if followed
        else None,
        "mails_to_address": [m.to for m in delivered()],
    }


@pytest.fixture
def existing_user():
    return make_user(EXISTING)


def test_sign_up_with_existing_and_new_address_look_the_same(existing_user):
    def sign_up(email):
        result = answer(
            "/accounts/signup/",
            {"email": email, "password1": PASSWORD, "password2": PASSWORD},
        )
        result["mails_to_address"] = [to == [email] for to in result["mails_to_address"]]
        return result

    known, unknown = sign_up(EXISTING), sign_up(NEW)
    assert known["status"] == 302
    assert known["location"] == "/accounts/confirm-email/"
    assert known == unknown
    assert known["mails_to_address"] == [True]
    assert "We have sent you a mail" in known["next_page"]


def test_password_reset_for_existing_and_new_address_look_the_same(existing_user):
    def reset(email):
        result = answer("/accounts/password/reset/", {"email": email})
        result["mails_to_address"] = [to == [email] for to in result["mails_to_address"]]
        return result

    known, unknown = reset(EXISTING), reset(NEW)
    assert known["status"] == 302
    assert known["location"] == "/accounts/password/reset/done/"
    assert known == unknown
    assert known["mails_to_address"] == [True]
    assert "Check your e-mail" in known["next_page"]


def test_wrong_password_and_unknown_address_get_the_same_error(existing_user):
    def login(email):
        response = Client().post("/accounts/login/", {"login": email, "password": "wrong-pw-1"})
        return response.status_code, visible(response).replace(email, "<email>")

    known, unknown = login(EXISTING), login(NEW)
    assert known == unknown
    assert known[0] == 200
    assert "not correct" in known[1] or "incorrect" in known[1]
