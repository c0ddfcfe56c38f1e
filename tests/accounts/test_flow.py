"""The journey through the test client: sign up, verify, register, join; and each
missing step refused with the right explanation."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from schedule.models import JoinClick, Registration
from tests.factories import PASSWORD, make_event, make_registration, make_room, make_user

pytestmark = pytest.mark.django_db

JOIN_URL = "https://video.example/the-room"
INSTRUCTIONS = "Find the TEST room in the list"


@pytest.fixture
def event():
    """Starts in 20 minutes; links are revealed 30 minutes before the start."""
    start = timezone.now() + dt.timedelta(minutes=20)
    event = make_event(
        "meetup",
        name="The Meetup",
        start=start,
        end=start + dt.timedelta(hours=3),
        access_reveal_minutes=30,
    )
    make_room(event, slug="main", name="Main", join_url=JOIN_URL, join_instructions=INSTRUCTIONS)
    return event


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def join_path(event):
    return reverse("schedule:room-join", kwargs={"slug": event.slug, "room": "main"})


def confirmation_link(message):
    match = re.search(r"http://testserver(/accounts/confirm-email/[^/\s]+/)", message.body)
    assert match, message.body
    return match.group(1)


def test_sign_up_verify_register_join(
    client, event, django_capture_on_commit_callbacks, deliver_outbox
):
    event_url = event.get_absolute_url()

    # Anonymous: the panel explains and offers sign-up that comes back here.
    html = page(client, event_url)
    assert "Register to get the invite" in html
    assert f'href="/accounts/signup/?next={event_url}"' in html
    assert INSTRUCTIONS not in html

    # Sign up: a verification mail, and a page that says to check the inbox.
    response = client.post(
        f"/accounts/signup/?next={event_url}",
        {
            "email": "new.person@example.com",
            "password1": PASSWORD,
            "password2": PASSWORD,
            "next": event_url,
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("account_email_verification_sent")
    assert "We have sent you a mail" in page(client, response["Location"])
    (message,) = deliver_outbox()
    assert message.to == ["new.person@example.com"]
    link = confirmation_link(message)

    # Before verifying, the person is not signed in.
    assert "Register to get the invite" in page(client, event_url)

    # Follow the link (GET shows a form; it never confirms by itself), then confirm.
    html = page(client, link)
    assert "new.person@example.com" in html
    assert 'method="post"' in html
    response = client.post(link)
    assert response.status_code == 302
    assert response["Location"] == event_url  # "next" survives sign-up and verification

    # Signed in and verified: a register button (POST, CSRF), no link yet.
    html = page(client, event_url)
    assert "Register to get the invite." in html
    assert f'action="{reverse("schedule:event-register", args=[event.slug])}"' in html
    assert "csrfmiddlewaretoken" in html
    assert join_path(event) not in html

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("schedule:event-register", args=[event.slug]))
    assert response["Location"] == event_url
    assert [m.subject for m in deliver_outbox()] == [
        "[Eventsite] You are registered for The Meetup"
    ]

    # Registered and revealed: the join link and the instructions.
    response = client.get(event_url)
    html = response.content.decode()
    assert "You are registered. Join the room:" in html
    assert f'href="{join_path(event)}"' in html
    assert INSTRUCTIONS in html
    assert JOIN_URL not in html  # only via the join redirect
    assert "private" in response["Cache-Control"]

    # The join link checks again, records the click and redirects.
    response = client.get(join_path(event))
    assert response.status_code == 302
    assert response["Location"] == JOIN_URL
    assert "no-store" in response["Cache-Control"]
    click = JoinClick.objects.get()
    assert click.user.email == "new.person@example.com"
    assert click.room.slug == "main"


def test_verification_on_another_device_then_sign_in_comes_back(client, event, deliver_outbox):
    event_url = event.get_absolute_url()
    client.post(
        "/accounts/signup/",
        {"email": "p@example.com", "password1": PASSWORD, "password2": PASSWORD, "next": event_url},
    )
    link = confirmation_link(deliver_outbox()[0])
    from django.test import Client

    other = Client()
    response = other.post(link)
    assert response.status_code == 302
    response = other.post(
        f"/accounts/login/?next={event_url}",
        {"login": "p@example.com", "password": PASSWORD, "next": event_url},
    )
    assert response["Location"] == event_url
    assert "Register to get the invite." in page(other, event_url)


def test_login_with_unverified_address_is_refused_and_mail_resent(client, event, deliver_outbox):
    make_user("slow@example.com", verified=False)
    response = client.post("/accounts/login/", {"login": "slow@example.com", "password": PASSWORD})
    assert response["Location"] == reverse("account_email_verification_sent")
    assert len(deliver_outbox()) == 1
    assert "_auth_user_id" not in client.session
    assert "Register to get the invite" in page(client, event.get_absolute_url())


# --- refused at each missing step ---------------------------------------------


def assert_refused(client, event, explanation):
    html = page(client, event.get_absolute_url())
    assert explanation in html
    assert INSTRUCTIONS not in html
    assert join_path(event) not in html
    response = client.get(join_path(event))
    assert response.status_code == 403
    body = response.content.decode()
    assert explanation in body
    assert JOIN_URL not in body and INSTRUCTIONS not in body
    assert "Location" not in response
    assert not JoinClick.objects.exists()


def test_anonymous_is_told_to_register(client, event):
    assert_refused(client, event, "Register to get the invite")


def test_unverified_is_told_to_verify(client, event):
    client.force_login(make_user(verified=False))
    assert_refused(client, event, "Verify your e-mail")
    html = page(client, event.get_absolute_url())
    assert 'name="action_send"' in html


def test_signed_in_but_not_registered_is_told_to_register(client, event):
    client.force_login(make_user())
    assert_refused(client, event, "Register to get the invite.")


def test_registered_for_another_event_is_told_to_register(client, event):
    user = make_user()
    make_registration(user, make_event())
    client.force_login(user)
    assert_refused(client, event, "Register to get the invite.")


def test_waitlisted_is_told_so(client, event):
    user = make_user()
    make_registration(user, event, status=Registration.Status.WAITLISTED)
    client.force_login(user)
    assert_refused(client, event, "You are on the waitlist")


def test_cancelled_is_told_to_register_again(client, event):
    user = make_user()
    make_registration(user, event, status=Registration.Status.CANCELLED)
    client.force_login(user)
    assert_refused(client, event, "Register again to get the invite")


def test_confirmed_before_reveal_is_told_when(client, event):
    event.start = timezone.now() + dt.timedelta(days=2)
    event.end = event.start + dt.timedelta(hours=2)
    event.save()
    user = make_user()
    make_registration(user, event)
    client.force_login(user)
    assert_refused(client, event, "The link appears 30 minutes before the start")
    html = page(client, event.get_absolute_url())
    local = event.local(event.reveal_at)
    assert f"{local:%H:%M} MSK</time>" in html


def test_reveal_zero_shows_links_as_soon_as_registered(client, event):
    event.start = timezone.now() + dt.timedelta(days=2)
    event.end = event.start + dt.timedelta(hours=2)
    event.access_reveal_minutes = 0
    event.save()
    user = make_user()
    make_registration(user, event)
    client.force_login(user)
    assert INSTRUCTIONS in page(client, event.get_absolute_url())
    assert client.get(join_path(event))["Location"] == JOIN_URL


def test_join_unknown_room_is_404(client, event):
    assert client.get(f"/events/{event.slug}/join/nope/").status_code == 404


def test_join_room_without_link_explains(client, event):
    room = make_room(event, slug="empty", join_url="", join_instructions="")
    user = make_user()
    make_registration(user, event)
    client.force_login(user)
    response = client.get(room.get_join_path())
    assert response.status_code == 403
    assert "This room has no join link yet" in response.content.decode()


# --- the other account flows ----------------------------------------------------


def test_password_reset_by_mail(client, deliver_outbox):
    make_user("forgetful@example.com")
    response = client.post("/accounts/password/reset/", {"email": "forgetful@example.com"})
    assert response["Location"] == "/accounts/password/reset/done/"
    (message,) = deliver_outbox()
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", message.body)
    response = client.get(link.group(1))
    assert response.status_code == 302  # allauth moves the key into the session
    form_url = response["Location"]
    assert "Choose a new password" in page(client, form_url)
    new_password = "another-long-passphrase-42"
    response = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert response["Location"] == "/accounts/password/reset/key/done/"
    assert "Your password is changed" in page(client, response["Location"])
    response = client.post(
        "/accounts/login/", {"login": "forgetful@example.com", "password": new_password}
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def test_email_change_takes_effect_once_the_new_address_is_verified(client, event, deliver_outbox):
    user = make_user("old@example.com")
    make_registration(user, event)
    client.force_login(user)
    response = client.post("/accounts/email/", {"email": "new@example.com", "action_add": ""})
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "old@example.com"
    # Until the new address is verified, nothing changes for access.
    assert INSTRUCTIONS in page(client, event.get_absolute_url())
    html = page(client, "/accounts/email/")
    assert "new@example.com" in html and "waiting for you to follow the link" in html
    (message,) = deliver_outbox()
    assert message.to == ["new@example.com"]
    response = client.post(confirmation_link(message))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.email == "new@example.com"
    assert INSTRUCTIONS in page(client, event.get_absolute_url())


def test_asking_for_the_mail_again_never_leaves_the_site(client, event):
    client.force_login(make_user("later@example.com", verified=False))
    response = client.post(
        "/accounts/email/",
        {"email": "later@example.com", "action_send": "", "next": "https://evil.example/"},
    )
    assert response["Location"] == "/accounts/email/"


def test_unverified_person_can_ask_for_the_mail_again(client, event, deliver_outbox):
    user = make_user("later@example.com", verified=False)
    client.force_login(user)
    html = page(client, event.get_absolute_url())
    assert 'action="/accounts/email/"' in html
    assert f'name="next" value="{event.get_absolute_url()}"' in html
    response = client.post(
        "/accounts/email/",
        {"email": "later@example.com", "action_send": "", "next": event.get_absolute_url()},
        follow=True,
    )
    # Back on the event, with allauth's message.
    assert response.redirect_chain == [(event.get_absolute_url(), 302)]
    assert [m.to for m in deliver_outbox()] == [["later@example.com"]]
    assert "Confirmation email sent to later@example.com." in response.content.decode()
    client.post(confirmation_link(deliver_outbox()[0]))
    assert "Register to get the invite." in page(client, event.get_absolute_url())
