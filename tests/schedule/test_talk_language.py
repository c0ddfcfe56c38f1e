"""The language a talk is given in: shown on its pages, a filter of the schedule without
JavaScript, kept in the feeds. The demo's second talk is given in Russian."""

import json
import re
import xml.etree.ElementTree as ET

import icalendar
import pytest
from django.test import Client

from schedule.models import Talk

pytestmark = pytest.mark.django_db

SCHEDULE = "/events/ml-art-datafest-2020/schedule/"
RUSSIAN_TALK = "/events/ml-art-datafest-2020/talks/non-existent-designer/"
ENGLISH_TALK = "/events/ml-art-datafest-2020/talks/neural-cellular-automata/"
TITLES = {
    "en": [
        "Differentiable Self-Organisation with Neural Cellular Automata",
        "The neural network art gallery",
    ],
    "ru": ["A non-existent designer with real satisfied customers"],
}


def titles_on(page):
    return re.findall(r'<h3 class="slot__title"><a href="[^"]+">([^<]+)</a>', page)


def test_the_demo_has_one_talk_in_russian(demo_event):
    languages = dict(demo_event.talks.values_list("slug", "language"))
    assert languages == {
        "neural-cellular-automata": "en",
        "non-existent-designer": "ru",
        "neural-network-art-gallery": "en",
    }
    russian = demo_event.talks.get(slug="non-existent-designer")
    assert "несуществующем дизайнере" in russian.abstract
    assert russian.start.astimezone(demo_event.tzinfo).hour == 17


@pytest.mark.parametrize(
    ("page_language", "russian_label", "english_label"),
    [("en", "in Russian", "in English"), ("ru", "на русском", "на английском")],
)
def test_talk_pages_say_the_language_of_the_talk(
    client, demo_event, page_language, russian_label, english_label
):
    russian = client.get(RUSSIAN_TALK, HTTP_ACCEPT_LANGUAGE=page_language).content.decode()
    english = client.get(ENGLISH_TALK, HTTP_ACCEPT_LANGUAGE=page_language).content.decode()
    assert f'<span class="talk-language">{russian_label}</span>' in russian
    assert f'<span class="talk-language">{english_label}</span>' in english
    # Screen readers read the Russian abstract with Russian pronunciation.
    assert '<div lang="ru"><p>Роман расскажет' in russian


def test_the_schedule_shows_each_talks_language(client, demo_event):
    page = client.get(SCHEDULE, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert page.count('<span class="talk-language">на английском</span>') == 2
    assert page.count('<span class="talk-language">на русском</span>') == 1


@pytest.mark.parametrize("language", ["en", "ru"])
def test_the_schedule_is_filtered_by_talk_language(client, demo_event, language):
    page = client.get(SCHEDULE, {"language": language}).content.decode()
    assert titles_on(page) == TITLES[language]
    assert f'<option value="{language}" selected>' in page


def test_the_filter_is_a_get_form_that_works_without_javascript(client, demo_event):
    page = client.get(SCHEDULE).content.decode()
    form = re.search(r'<form method="get" action="" class="talk-filter">(.*?)</form>', page, re.S)
    assert form, "no filter form"
    assert '<select id="talk-language" name="language">' in form.group(1)
    assert '<label for="talk-language">' in form.group(1)
    assert '<button type="submit"' in form.group(1)
    assert '<option value="" selected>in all languages</option>' in form.group(1)
    assert len(titles_on(page)) == 3


@pytest.mark.parametrize("value", ["xx", "<script>", "ru" * 50, "EN", ""])
def test_an_unknown_filter_value_is_ignored(client, demo_event, value):
    response = client.get(SCHEDULE, {"language": value})
    assert response.status_code == 200
    assert len(titles_on(response.content.decode())) == 3


def test_a_filtered_page_keeps_the_viewers_zone(client, demo_event):
    page = client.get(SCHEDULE, {"language": "ru", "tz": "Asia/Tokyo"}).content.decode()
    assert '<input type="hidden" name="tz" value="Asia/Tokyo">' in page
    assert "23:00 JST" in page  # 17:00 in Moscow


def test_no_talk_in_a_language_says_so(client, demo_event):
    Talk.objects.filter(language="ru").update(language="en")
    demo_event.save()  # a new version: the fragments are rebuilt
    page = client.get(SCHEDULE, {"language": "ru"}, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "В программе нет докладов на русском." in page
    assert titles_on(page) == []


def test_the_page_cache_keeps_filtered_pages_apart(demo_event):
    visitor = Client()
    for _ in range(2):  # the second round comes from the cache
        assert titles_on(visitor.get(SCHEDULE, {"language": "ru"}).content.decode()) == TITLES["ru"]
        assert titles_on(visitor.get(SCHEDULE, {"language": "en"}).content.decode()) == TITLES["en"]
        assert len(titles_on(visitor.get(SCHEDULE).content.decode())) == 3
        assert len(titles_on(visitor.get(SCHEDULE, {"language": "xx"}).content.decode())) == 3


def test_signed_in_fragments_are_kept_apart_too(client, demo_event, user):
    client.force_login(user)
    for _ in range(2):
        assert titles_on(client.get(SCHEDULE, {"language": "ru"}).content.decode()) == TITLES["ru"]
        assert len(titles_on(client.get(SCHEDULE).content.decode())) == 3


def test_the_feeds_keep_the_talk_language(client, demo_event):
    data = json.loads(client.get("/events/ml-art-datafest-2020/schedule.json").content)
    [day] = data["schedule"]["conference"]["days"]
    assert {talk["title"]: talk["language"] for talk in day["rooms"]["ML Art"]} == {
        TITLES["en"][0]: "en",
        TITLES["ru"][0]: "ru",
        TITLES["en"][1]: "en",
    }
    root = ET.fromstring(client.get("/events/ml-art-datafest-2020/schedule.xml").content)
    assert {e.findtext("title"): e.findtext("language") for e in root.iter("event")} == {
        TITLES["en"][0]: "en",
        TITLES["ru"][0]: "ru",
        TITLES["en"][1]: "en",
    }
    calendar = icalendar.Calendar.from_ical(
        client.get("/events/ml-art-datafest-2020/schedule.ics").content
    )
    assert {
        str(e["SUMMARY"]): e["SUMMARY"].params["LANGUAGE"] for e in calendar.walk("VEVENT")
    } == {TITLES["en"][0]: "en", TITLES["ru"][0]: "ru", TITLES["en"][1]: "en"}
