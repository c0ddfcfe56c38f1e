"""Markdown is bounded: hostile bios and abstracts are refused with a message or
shown as plain text, never a 500 and never Markdown run on a page view."""

import pytest
from django.db import IntegrityError
from django.urls import reverse

from schedule.markup import MAX_LENGTH
from schedule.models import Speaker
from tests.factories import make_event, make_speaker, make_talk, make_user
from tests.mfa import enrol_totp

pytestmark = pytest.mark.django_db

PROFILE = reverse("speaker:speaker-profile")
BRACKETS = "[" * 20000
NESTED_LIST = "".join("  " * depth + "- item\n" for depth in range(400))
QUOTES = ">" * 2000 + " deep"


@pytest.fixture
def owner(client):
    user = make_user("ada@speakers.example")
    client.force_login(user)
    return user


@pytest.fixture
def ada(owner):
    return make_speaker(name="Ada Lovelace", slug="ada", user=owner, bio="Original bio")


def post_bio(client, speaker, bio, *extra):
    data = {"name": speaker.name, "headline": "", "bio": bio}
    data.update(dict.fromkeys(extra, "1"))
    return client.post(PROFILE, data)


@pytest.mark.parametrize(
    ("bio", "message"),
    [
        (BRACKETS, "at most 5000 characters"),
        ("[" * 60, "Use at most 50 square brackets"),
        ("x" * (MAX_LENGTH + 1), "at most 5000 characters"),
    ],
    ids=["20000-brackets", "60-brackets", "too-long"],
)
def test_hostile_bio_is_refused_with_a_message_and_the_old_one_kept(client, ada, bio, message):
    response = post_bio(client, ada, bio)
    assert response.status_code == 200
    assert message in response.content.decode()
    ada.refresh_from_db()
    assert ada.bio == "Original bio"


@pytest.mark.parametrize("bio", [BRACKETS, NESTED_LIST, QUOTES], ids=["brackets", "list", "quotes"])
def test_preview_of_a_hostile_bio_answers_without_error(client, ada, bio):
    response = post_bio(client, ada, bio, "preview")
    assert response.status_code == 200
    ada.refresh_from_db()
    assert ada.bio == "Original bio"


def test_the_database_refuses_an_overlong_bio_saved_around_the_forms(ada):
    Speaker.objects.filter(pk=ada.pk).update(bio="x" * 10)  # fine
    with pytest.raises(IntegrityError):
        Speaker.objects.filter(pk=ada.pk).update(bio="x" * (MAX_LENGTH + 1))


def test_bracket_bio_saved_from_the_shell_shows_as_text_on_its_page(client):
    speaker = make_speaker(name="Bracket", slug="bracket", bio="[" * 4000)
    event = make_event()
    make_talk(event, speakers=[speaker])
    response = client.get(speaker.get_absolute_url())
    assert response.status_code == 200
    assert "[" * 4000 in response.content.decode()


def test_abstract_past_the_bounds_is_refused_in_the_admin(client):
    boss = make_user("boss@example.com", is_staff=True, is_superuser=True)
    enrol_totp(boss)
    client.force_login(boss)
    event = make_event()
    talk = make_talk(event)
    url = reverse("admin:schedule_talk_change", args=[talk.pk])
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        name: value
        for name, value in form.initial.items()
        if value is not None and not isinstance(value, list | tuple)
    }
    data.update(abstract=BRACKETS)
    response = client.post(url, data)
    assert response.status_code == 200
    assert "at most 5000 characters" in response.content.decode()
    talk.refresh_from_db()
    assert talk.abstract != BRACKETS
