"""The signed-in user's cached copy (accounts.cached_auth) never outlives a change."""

import pytest
from allauth.account.models import EmailAddress
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from accounts.cached_auth import user_key
from accounts.models import User
from schedule.models import Registration
from tests.factories import PASSWORD, make_event, make_room, make_speaker, make_user

pytestmark = pytest.mark.django_db

PROFILE = reverse("accounts:profile")


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    assert client.get(PROFILE).status_code == 200  # the copy is made
    assert cache.get(user_key(user.pk)) is not None
    return client


def is_signed_in(client) -> bool:
    page = client.get("/").content.decode()
    return "Sign out" in page and "Sign in" not in page


def test_later_page_views_read_no_user_from_the_database(django_assert_num_queries):
    client = signed_in(make_user())
    with django_assert_num_queries(1):  # the event list; no user, no e-mail address
        page = client.get("/").content.decode()
    assert "Sign out" in page


def test_a_saved_change_shows_on_the_next_page():
    user = make_user(display_name="Ada")
    client = signed_in(user)
    user.display_name = "Ada Lovelace"
    user.save()
    assert 'value="Ada Lovelace"' in client.get(PROFILE).content.decode()


def test_deactivated_user_is_signed_out_at_once():
    user = make_user()
    client = signed_in(user)
    user.is_active = False
    user.save()
    assert not is_signed_in(client)


def test_a_password_changed_on_another_device_signs_this_one_out():
    user = make_user()
    laptop = signed_in(user)
    phone = Client()
    assert phone.login(email=user.email, password=PASSWORD)
    response = phone.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "a-new-long-passphrase",
            "password2": "a-new-long-passphrase",
        },
    )
    assert response.status_code == 302
    assert is_signed_in(phone)  # the phone's session follows the new password...
    assert not is_signed_in(laptop)  # ...the laptop's, made for the old one, does not


def test_a_copy_for_another_password_is_not_used():
    user = make_user()
    client = signed_in(user)
    version, stale = cache.get(user_key(user.pk))
    stale.set_password("someone-elses-password")
    cache.set(user_key(user.pk), (version, stale))  # as if another device had changed it
    # The session's hash does not match the copy: the database decides, and the
    # user (whose password did not change there) stays signed in.
    assert is_signed_in(client)
    assert cache.get(user_key(user.pk))[1].password == User.objects.get(pk=user.pk).password


def test_writes_read_the_user_from_the_database():
    user = make_user()
    client = signed_in(user)
    event = make_event()
    # A change that bypasses model signals leaves the copy as it was...
    User.objects.filter(pk=user.pk).update(is_active=False)
    assert is_signed_in(client)
    # ...but a POST never acts on it: the deactivated user is not registered.
    response = client.post(
        reverse("schedule:event-register", args=[event.slug]), {"action": "register"}
    )
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not Registration.objects.filter(user=user).exists()


def test_verifying_the_email_shows_the_register_button_at_once():
    user = make_user(verified=False)
    event = make_event()
    make_room(event)
    client = signed_in(user)
    assert "Verify your e-mail address" in client.get(event.get_absolute_url()).content.decode()
    address = EmailAddress.objects.get(user=user)
    address.verified = True
    address.save()
    page = client.get(event.get_absolute_url()).content.decode()
    assert "Verify your e-mail address" not in page
    assert ">Register</button>" in page


def test_speaker_profile_link_follows_the_profile():
    user = make_user()
    client = signed_in(user)
    assert "Speaker profile" not in client.get(PROFILE).content.decode()
    speaker = make_speaker(user=user)
    assert "Speaker profile" in client.get(PROFILE).content.decode()
    # Given to someone else in the admin: the first user loses the link.
    speaker.user = make_user()
    speaker.save()
    assert "Speaker profile" not in client.get(PROFILE).content.decode()


def test_deleted_user_is_signed_out():
    user = make_user()
    client = signed_in(user)
    user.delete()
    assert not is_signed_in(client)


def test_a_change_during_a_page_view_is_not_undone_by_its_copy(monkeypatch):
    """A page view loads the row, another request deactivates the user, then the
    page view stores what it loaded: that copy must not be used."""
    from django.contrib import auth

    user = make_user()
    client = Client()
    client.force_login(user)
    load = auth.get_user

    def load_then_deactivate(request):
        loaded = load(request)
        monkeypatch.setattr(auth, "get_user", load)  # only this once
        fresh = User.objects.get(pk=user.pk)
        fresh.is_active = False
        fresh.save()
        return loaded

    monkeypatch.setattr(auth, "get_user", load_then_deactivate)
    assert is_signed_in(client)  # this view loaded the user before the change
    assert not is_signed_in(client)  # the next one does not trust what it stored


@pytest.mark.parametrize("left_by_an_older_release", ["a string", ("v", "not a user"), None])
def test_an_entry_of_another_shape_is_a_miss_not_an_error(left_by_an_older_release):
    user = make_user()
    client = signed_in(user)
    old = left_by_an_older_release or User.objects.get(pk=user.pk)  # a bare user object
    cache.set(user_key(user.pk), old)
    assert is_signed_in(client)
    assert isinstance(cache.get(user_key(user.pk)), tuple)  # refilled in the current shape
