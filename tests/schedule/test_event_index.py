"""The events index /events/: upcoming then past, filters without JavaScript, pages."""

import datetime as dt
import re

import pytest
from django.core.cache import caches
from django.test import Client

from schedule.views.event_index import PAGE_SIZE
from tests.factories import make_event, make_talk, make_user

pytestmark = pytest.mark.django_db

INDEX = "/events/"


def titles(response) -> list[str]:
    """Event names in the order the page lists them."""
    text = response.content.decode()
    return re.findall(r'<h3 class="event-card__title"><a href="[^"]+">([^<]+)</a>', text)


def section(response, heading: str) -> str:
    text = response.content.decode()
    start = text.index(f">{heading}</h2>")
    end = text.find("</section>", start)
    return text[start:end]


@pytest.fixture
def events(demo_event):
    """The demo (past, Data Fest 2020, English) and three upcoming events."""
    russian = make_event(
        "ru-meetup", name="Russian meetup", day=dt.date(2031, 2, 1), festival_name="Data Fest 2031"
    )
    make_talk(russian, language="ru")
    english = make_event("en-meetup", name="English meetup", day=dt.date(2031, 1, 1))
    make_talk(english, language="en")
    make_event("hidden-draft", name="Hidden draft", is_published=False, day=dt.date(2031, 3, 1))
    return demo_event


def test_index_lists_upcoming_soonest_first_then_past_with_festival(client, events):
    response = client.get(INDEX)

    assert response.status_code == 200
    assert titles(response) == ["English meetup", "Russian meetup", "Machine Learning Art"]
    assert "Russian meetup" in section(response, "Upcoming")
    past = section(response, "Past events")
    assert "Machine Learning Art" in past and "Part of Data Fest 2020" in past
    assert "Hidden draft" not in response.content.decode()


def test_index_is_linked_from_the_header_and_home(client, events):
    home = client.get("/").content.decode()
    assert home.count(f'href="{INDEX}"') == 2  # header and the line under the lists


def test_staff_see_unpublished_events_in_the_index(client, events):
    client.force_login(make_user("staff@example.com", is_staff=True))
    assert "Hidden draft" in titles(client.get(INDEX))


def test_filter_by_talk_language(client, events):
    response = client.get(INDEX, {"language": "ru"})

    # The demo has a talk in Russian too; the English meetup has none.
    assert titles(response) == ["Russian meetup", "Machine Learning Art"]
    text = response.content.decode()
    assert '<option value="ru" selected>Russian</option>' in text
    assert "Clear filters" in text


def test_language_names_follow_the_page_language(client, events):
    text = client.get(INDEX, {"lang": "ru"}).content.decode()
    assert '<option value="ru">Русский</option>' in text


def test_filter_by_festival_and_when(client, events):
    assert titles(client.get(INDEX, {"festival": "Data Fest 2020"})) == ["Machine Learning Art"]
    assert titles(client.get(INDEX, {"when": "past"})) == ["Machine Learning Art"]
    assert titles(client.get(INDEX, {"when": "upcoming", "language": "en"})) == ["English meetup"]


def test_filter_with_no_match_says_so(client, events):
    response = client.get(INDEX, {"festival": "Data Fest 2031", "when": "past"})
    assert response.status_code == 200
    assert titles(response) == []
    assert "No event matches" in response.content.decode()


def test_festival_choices_are_those_of_visible_events(client, events):
    make_event("secret", festival_name="Secret Fest", is_published=False)
    text = client.get(INDEX).content.decode()
    assert re.findall(r'<option value="([^"]*)"', text.split('name="festival"')[1])[:3] == [
        "",
        "Data Fest 2020",
        "Data Fest 2031",
    ]
    assert "Secret Fest" not in text


def test_unknown_filter_value_is_a_400_with_a_message_and_every_event(client, events):
    response = client.get(INDEX, {"language": "xx"})

    assert response.status_code == 400
    text = response.content.decode()
    assert "“xx” is not one of the choices" in text
    assert len(titles(response)) == 3


@pytest.mark.parametrize("page", ["abc", "0", "99", "-1"])
def test_invalid_page_is_a_404_not_a_500(client, events, page):
    assert client.get(INDEX, {"page": page}).status_code == 404


def test_pages_keep_the_filter_in_their_links(client, db):
    for n in range(PAGE_SIZE + 2):
        make_event(f"fest-{n:02d}", name=f"Fest {n:02d}", festival_name="Big Fest",
                   day=dt.date(2031, 1, 1) + dt.timedelta(days=n))  # fmt: skip
    make_event("other", name="Other", day=dt.date(2030, 1, 1))

    first = client.get(INDEX, {"festival": "Big Fest"})
    assert len(titles(first)) == PAGE_SIZE
    assert "Page 1 of 2" in first.content.decode()
    assert 'href="?festival=Big+Fest&amp;page=2"' in first.content.decode()

    second = client.get(INDEX, {"festival": "Big Fest", "page": "2"})
    assert titles(second) == ["Fest 12", "Fest 13"]
    assert 'href="?festival=Big+Fest&amp;page=1"' in second.content.decode()


# Anonymous: choices (languages, festivals), the count, the page of events.
INDEX_QUERIES = 4


@pytest.mark.parametrize("count", [1, 30])
def test_index_takes_constant_queries(client, db, django_assert_num_queries, count):
    for n in range(count):
        event = make_event(f"e-{n}", festival_name=f"Fest {n % 3}")
        make_talk(event, language="en")
    caches["pages"].clear()
    with django_assert_num_queries(INDEX_QUERIES):
        response = client.get(INDEX, {"language": "en"})
    assert len(titles(response)) == min(count, PAGE_SIZE)


def test_anonymous_filtered_page_is_cached_under_its_query(events, django_assert_num_queries):
    visitor = Client()
    first = visitor.get(INDEX, {"language": "ru"})
    with django_assert_num_queries(0):
        again = visitor.get(INDEX, {"language": "ru"})
    assert again.content == first.content
    # Another query is another page, never the cached one.
    assert titles(visitor.get(INDEX, {"language": "en"})) == [
        "English meetup",
        "Machine Learning Art",
    ]


def test_unknown_query_values_are_not_cached(events):
    visitor = Client()
    visitor.get(INDEX, {"festival": "made up"})
    visitor.get(INDEX, {"page": "7"})
    visitor.get(INDEX, {"utm_source": "x"})
    keys = " ".join(str(key) for key in caches["pages"]._cache)
    assert "made up" not in keys and "page=7" not in keys and "utm_source" not in keys
