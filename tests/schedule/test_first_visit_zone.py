"""The viewer's zone on the first visit: the home page, the no-JS link, the zone picker."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import make_event, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    return make_event("fest", day=dt.date(2030, 6, 1), name="Fest")  # 10:00–20:00 MSK


def test_home_shows_the_viewers_zone_from_the_cookie(client, event):
    client.cookies["tz"] = "America%2FNew_York"
    html = client.get("/").content.decode()
    assert "10:00–20:00 MSK" in html
    assert "(03:00–13:00 in New York)" in html
    assert 'data-viewer-zone="America/New_York"' in html


def test_home_shows_the_profile_zone(client, event):
    client.force_login(make_user(timezone="Asia/Tokyo"))
    html = client.get("/").content.decode()
    assert "(16:00–02:00 Sun in Tokyo)" in html


def test_home_without_a_zone_shows_the_event_zone_alone(client, event):
    html = client.get("/").content.decode()
    assert "10:00–20:00 MSK" in html
    assert "in New York" not in html
    assert 'data-viewer-zone=""' in html
    # site.js fills the browser's times from these attributes.
    assert 'datetime="2030-06-01T10:00:00+03:00" data-end="2030-06-01T20:00:00+03:00"' in html


def test_first_visit_offers_the_zone_picker_without_javascript(client, event):
    html = client.get("/events/fest/schedule/").content.decode()
    assert "<noscript>" in html
    assert 'href="/zone/?next=/events/fest/schedule/">Show times in my zone</a>' in html
    client.cookies["tz"] = "Asia%2FTokyo"
    html = client.get("/events/fest/schedule/").content.decode()
    assert "Show times in my zone" not in html


def test_zone_picker_sets_the_cookie_and_returns(client, event):
    response = client.get(
        reverse("schedule:zone-picker"), {"tz": "America/New_York", "next": "/events/fest/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/events/fest/"
    assert response.cookies["tz"].value == "America%2FNew_York"
    html = client.get("/events/fest/").content.decode()
    assert "in New York" in html


def test_zone_picker_refuses_an_unknown_zone_and_a_foreign_next(client):
    response = client.get(reverse("schedule:zone-picker"), {"tz": "Mars/Olympus"})
    assert response.status_code == 400
    assert "Choose a zone from the list" in response.content.decode()
    response = client.get(
        reverse("schedule:zone-picker"), {"tz": "Asia/Tokyo", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_zone_picker_form_lists_zones(client):
    html = client.get(reverse("schedule:zone-picker")).content.decode()
    assert '<option value="America/New_York">America/New York</option>' in html
