"""Invites are tied to the address they were sent to, and concurrent claims by one
person end in a clear refusal, never an unhandled error."""

import threading

import pytest
from allauth.account.models import EmailAddress
from django.db import close_old_connections, connection
from django.urls import reverse

from schedule.models import Speaker
from schedule.speakers.claims import ClaimRefused, claim_speaker, make_invite_token
from tests.factories import make_speaker, make_user

pytestmark = pytest.mark.django_db


def invite_page(client, token):
    return client.get(reverse("speaker:invite", kwargs={"token": token}), follow=True)


def test_correcting_the_speakers_email_voids_the_invite_sent_to_the_old_one(client):
    speaker = make_speaker(name="Ada Lovelace", email="ada@old.example")
    token = make_invite_token(speaker)
    speaker = Speaker.objects.get(pk=speaker.pk)
    speaker.email = "ada@new.example"
    speaker.save()

    client.force_login(make_user("someone@old.example"))
    page = invite_page(client, token).content.decode()
    assert "replaced by a newer one" in page
    speaker.refresh_from_db()
    assert speaker.user is None


def test_saving_other_fields_keeps_the_invite(client):
    speaker = make_speaker(name="Ada Lovelace", email="ada@old.example")
    token = make_invite_token(speaker)
    speaker = Speaker.objects.get(pk=speaker.pk)
    speaker.bio = "Poet of numbers."
    speaker.save()
    user = make_user("ada@elsewhere.example")
    client.force_login(user)
    client.post(reverse("speaker:invite", kwargs={"token": token}))
    speaker.refresh_from_db()
    assert speaker.user == user


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_one_person_claiming_two_profiles_at_once_gets_one_and_a_clear_refusal():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL for truly concurrent transactions")
    for attempt in range(5):
        user = make_user(f"twin{attempt}@one.example")
        EmailAddress.objects.create(
            user=user, email=f"twin{attempt}@two.example", verified=True, primary=False
        )
        first = make_speaker(name=f"First {attempt}", email=f"twin{attempt}@one.example")
        second = make_speaker(name=f"Second {attempt}", email=f"twin{attempt}@two.example")
        barrier = threading.Barrier(2)
        outcomes = []

        def claim(speaker, user=user, barrier=barrier, outcomes=outcomes):
            try:
                barrier.wait(timeout=30)
                claim_speaker(user, speaker.pk)
                outcomes.append("claimed")
            except ClaimRefused as refusal:
                outcomes.append(str(refusal))
            except Exception as error:  # noqa: BLE001 - the failure this test is about
                outcomes.append(error)
            finally:
                close_old_connections()
                connection.close()

        threads = [threading.Thread(target=claim, args=(s,)) for s in (first, second)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert sorted(map(str, outcomes)) == [
            "Your account already manages a speaker profile.",
            "claimed",
        ], outcomes
        assert Speaker.objects.filter(user=user).count() == 1
