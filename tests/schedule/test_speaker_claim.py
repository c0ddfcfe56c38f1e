import re
import time
from unittest import mock

import pytest
from allauth.account.models import EmailAddress
from django.core import mail, signing
from django.urls import reverse

from schedule.models import Speaker
from schedule.speakers.claims import INVITE_MAX_AGE, INVITE_SALT, make_invite_token
from tests.factories import make_speaker, make_user
from tests.mfa import enrol_totp

pytestmark = pytest.mark.django_db

PROFILE = reverse("speaker:speaker-profile")
CLAIM = reverse("speaker:claim")


@pytest.fixture
def ada():
    return make_speaker(name="Ada Lovelace", email="Ada@Speakers.Example")


def claim(client, speaker):
    return client.post(CLAIM, {"speaker": speaker.pk})


def test_anonymous_is_sent_to_sign_in(client, ada):
    for url in (PROFILE, CLAIM):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == f"{reverse('account_login')}?next={url}"
    response = client.post(CLAIM, {"speaker": ada.pk})
    assert response.status_code == 302
    ada.refresh_from_db()
    assert ada.user is None


def test_verified_matching_email_sees_claim_button_and_claims(client, ada):
    user = make_user("ada@speakers.example")
    client.force_login(user)

    page = client.get(PROFILE).content.decode()
    assert "Ada Lovelace" in page
    assert "This is me — claim" in page

    response = claim(client, ada)

    assert response.status_code == 302
    assert response["Location"] == PROFILE
    ada.refresh_from_db()
    assert ada.user == user
    assert ada.claimed_at is not None
    assert ada.updated_by == user
    page = client.get(PROFILE).content.decode()
    assert "Your speaker profile" in page
    assert 'value="Ada Lovelace"' in page  # the edit form now


def test_any_verified_address_of_the_user_may_match(client, ada):
    user = make_user("someone@example.com")
    EmailAddress.objects.create(user=user, email="ada@speakers.example", verified=True)
    client.force_login(user)
    assert claim(client, ada).status_code == 302
    ada.refresh_from_db()
    assert ada.user == user


def test_unverified_matching_email_cannot_claim(client, ada):
    user = make_user("ada@speakers.example", verified=False)
    client.force_login(user)

    page = client.get(PROFILE).content.decode()
    assert "This is me" not in page
    assert "Verify your e-mail address first" in page

    response = claim(client, ada)
    assert response.status_code == 403
    assert "Verify your e-mail address first" in response.content.decode()
    ada.refresh_from_db()
    assert ada.user is None and ada.claimed_at is None


def test_unverified_second_address_does_not_count(client, ada):
    user = make_user("me@example.com")
    EmailAddress.objects.create(user=user, email="ada@speakers.example", verified=False)
    client.force_login(user)
    assert "This is me" not in client.get(PROFILE).content.decode()
    assert claim(client, ada).status_code == 403
    ada.refresh_from_db()
    assert ada.user is None


def test_different_email_cannot_claim(client, ada):
    client.force_login(make_user("mallory@example.com"))
    assert "Ada Lovelace" not in client.get(PROFILE).content.decode()
    response = claim(client, ada)
    assert response.status_code == 403
    assert "None of your verified e-mail addresses matches" in response.content.decode()
    ada.refresh_from_db()
    assert ada.user is None


def test_speaker_without_email_is_never_claimable(client):
    nobody = make_speaker(email="")
    client.force_login(make_user())
    assert claim(client, nobody).status_code == 403
    nobody.refresh_from_db()
    assert nobody.user is None


def test_already_claimed_profile_cannot_be_claimed(client, ada):
    owner = make_user("owner@example.com")
    ada.user = owner
    ada.save()
    client.force_login(make_user("ada@speakers.example"))

    page = client.get(PROFILE).content.decode()
    assert "This is me" not in page
    assert "already managed by another account" in page

    response = claim(client, ada)
    assert response.status_code == 403
    ada.refresh_from_db()
    assert ada.user == owner


def test_account_with_a_profile_cannot_claim_a_second(client, ada):
    user = make_user("ada@speakers.example")
    make_speaker(user=user)
    client.force_login(user)
    assert claim(client, ada).status_code == 403
    ada.refresh_from_db()
    assert ada.user is None


def test_claim_of_unknown_or_missing_speaker_is_refused(client):
    client.force_login(make_user())
    assert client.post(CLAIM, {"speaker": 987654}).status_code == 403
    assert client.post(CLAIM, {"speaker": "x"}).status_code == 400
    assert client.get(CLAIM).status_code == 405


# ---------------------------------------------------------------------------
# Invite links


def invite_path(token):
    return reverse("speaker:invite", kwargs={"token": token})


def test_admin_action_emails_a_working_one_time_link(
    client, admin_client, ada, settings, deliver_outbox
):
    settings.SITE_URL = "https://events.example.org"
    response = admin_client.post(
        reverse("admin:schedule_speaker_changelist"),
        {"action": "send_invite_links", "_selected_action": [ada.pk]},
        follow=True,
    )
    assert "Invite links sent to Ada@Speakers.Example" in response.content.decode()
    assert len(deliver_outbox()) == 1
    message = mail.outbox[0]
    assert message.to == ["Ada@Speakers.Example"]
    # Sent from the organiser's request: the link is on the host they use, not SITE_URL.
    url = re.search(r"http://testserver(/speaker/invite/\S+/)", message.body).group(1)

    # Anyone who opens it must sign in first, and comes back to the link.
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")

    user = make_user("ada.private@example.com")  # any verified account
    client.force_login(user)
    page = client.get(url)
    assert page.status_code == 200
    assert "Ada Lovelace" in page.content.decode()
    ada.refresh_from_db()
    assert ada.user is None  # opening the link alone changes nothing

    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == PROFILE
    ada.refresh_from_db()
    assert ada.user == user
    assert ada.claimed_at is not None
    assert ada.invite_nonce == ""

    # Single use: a second person cannot use it.
    client.force_login(make_user())
    response = client.post(url)
    assert response.status_code == 400
    assert "claimed already" in response.content.decode()


def test_invite_link_is_single_use_even_if_claim_is_undone(client, ada):
    token = make_invite_token(ada)
    first = make_user()
    client.force_login(first)
    assert client.post(invite_path(token)).status_code == 302
    Speaker.objects.filter(pk=ada.pk).update(user=None)  # organiser unlinks the account

    client.force_login(make_user())
    response = client.post(invite_path(token))
    assert response.status_code == 400
    assert "used already" in response.content.decode()


def test_new_invite_replaces_the_old_one(client, ada):
    old = make_invite_token(ada)
    new = make_invite_token(ada)
    client.force_login(make_user())
    assert client.post(invite_path(old)).status_code == 400
    assert client.post(invite_path(new)).status_code == 302


def test_expired_invite_link_is_refused(client, ada):
    eight_days_ago = time.time() - INVITE_MAX_AGE.total_seconds() - 86400
    with mock.patch("django.core.signing.time.time", return_value=eight_days_ago):
        token = make_invite_token(ada)
    client.force_login(make_user())

    for response in (client.get(invite_path(token)), client.post(invite_path(token))):
        assert response.status_code == 400
        assert "expired" in response.content.decode()
    ada.refresh_from_db()
    assert ada.user is None


def test_invite_link_six_days_old_still_works(client, ada):
    six_days_ago = time.time() - 6 * 86400
    with mock.patch("django.core.signing.time.time", return_value=six_days_ago):
        token = make_invite_token(ada)
    client.force_login(make_user())
    assert client.post(invite_path(token)).status_code == 302


@pytest.mark.parametrize("how", ["signature", "payload", "other-salt", "garbage"])
def test_tampered_invite_link_is_refused(client, ada, how):
    token = make_invite_token(ada)
    other = make_speaker()
    if how == "signature":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    elif how == "payload":
        forged = signing.TimestampSigner(salt=INVITE_SALT).sign_object(
            {"speaker": other.pk, "nonce": ada.invite_nonce}
        )
        token = forged.split(":", 1)[0] + ":" + token.split(":", 1)[1]
    elif how == "other-salt":
        token = signing.TimestampSigner(salt="other").sign_object(
            {"speaker": ada.pk, "nonce": ada.invite_nonce}
        )
    else:
        token = "not-a-token"
    client.force_login(make_user())
    response = client.post(invite_path(token))
    assert response.status_code == 400
    assert "not valid" in response.content.decode()
    assert not Speaker.objects.filter(user__isnull=False).exists()


def test_invite_for_an_account_that_has_a_profile_is_refused(client, ada):
    token = make_invite_token(ada)
    user = make_user()
    make_speaker(user=user)
    client.force_login(user)
    assert client.get(invite_path(token)).status_code == 403
    assert client.post(invite_path(token)).status_code == 403
    ada.refresh_from_db()
    assert ada.user is None and ada.invite_nonce  # the link stays usable for the right person


def test_admin_invite_button_confirms_then_sends(admin_client, ada, deliver_outbox):
    change = reverse("admin:schedule_speaker_change", args=[ada.pk])
    send = reverse("admin:schedule_speaker_send_invite", args=[ada.pk])
    assert send in admin_client.get(change).content.decode()

    page = admin_client.get(send).content.decode()
    assert "Ada@Speakers.Example" in page
    assert not mail.outbox

    response = admin_client.post(send)
    assert response.status_code == 302
    assert response["Location"] == change
    assert len(deliver_outbox()) == 1
    ada.refresh_from_db()
    assert ada.invite_nonce


def test_admin_does_not_invite_claimed_or_address_less_speakers(admin_client, ada):
    ada.user = make_user()
    ada.save()
    no_email = make_speaker(email="")
    admin_client.post(
        reverse("admin:schedule_speaker_changelist"),
        {"action": "send_invite_links", "_selected_action": [ada.pk, no_email.pk]},
    )
    assert admin_client.post(reverse("admin:schedule_speaker_send_invite", args=[ada.pk]))
    assert not mail.outbox


def test_invite_button_needs_change_permission(client, ada):
    viewer = make_user(is_staff=True)
    enrol_totp(viewer)
    client.force_login(viewer)
    response = client.post(reverse("admin:schedule_speaker_send_invite", args=[ada.pk]))
    assert response.status_code == 403
    assert not mail.outbox


def test_unverified_account_cannot_use_an_invite(client, ada):
    token = make_invite_token(ada)
    client.force_login(make_user("new@example.com", verified=False))
    response = client.post(invite_path(token))
    assert response.status_code == 403
    assert "Verify your e-mail address first" in response.content.decode()
    ada.refresh_from_db()
    assert ada.user is None and ada.invite_nonce
