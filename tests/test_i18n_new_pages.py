"""The pages of cancelling, the zone picker and a speaker's talk, in both languages
(the same check as tests/test_i18n_pages.py)."""

import datetime as dt

import pytest
from django.urls import reverse

from schedule.demo import load_demo
from schedule.models import Speaker, Talk
from tests.factories import make_registration, make_user
from tests.test_i18n_pages import check

pytestmark = pytest.mark.django_db
EVENT = "/events/ml-art-datafest-2020/"


@pytest.fixture
def upcoming_demo():
    event, _ = load_demo(dt.date(2030, 9, 21))
    return event


def test_cancel_page_and_undo_offer_in_both_languages(client, upcoming_demo):
    person = make_user()
    make_registration(person, upcoming_demo)
    client.force_login(person)
    check(client, {f"{EVENT}cancel/": ["Отменить регистрацию?", "Оставить моё место"]})
    client.post(f"{EVENT}cancel/")
    # The event page itself carries the demo's Russian talk: only the panel is checked here.
    html = client.get(EVENT, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Передумали? Отмену можно вернуть до" in html
    assert ">Вернуть</button>" in html


def test_zone_picker_in_both_languages(client):
    check(client, {reverse("schedule:zone-picker"): ["Показать время в моём поясе"]})


def test_speaker_talk_page_in_both_languages(client, upcoming_demo):
    speaker = Speaker.objects.get(slug="alexander-mordvintsev")
    person = make_user(speaker.email)
    speaker.user = person
    speaker.save()
    client.force_login(person)
    talk = Talk.objects.get(slug="neural-cellular-automata")
    check(
        client,
        {
            reverse("speaker:talk-edit", args=[talk.pk]): ["Ваш доклад", "Сохранить доклад"],
            reverse("speaker:speaker-profile"): ["Ваши доклады"],
        },
    )
