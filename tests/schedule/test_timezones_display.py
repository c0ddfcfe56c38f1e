"""ZoneView: how a moment reads in the event's zone and the viewer's."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.test import RequestFactory

from schedule.timezones import ZoneView, zone_view_for

MOSCOW = ZoneInfo("Europe/Moscow")
START = dt.datetime(2020, 9, 19, 16, 0, tzinfo=MOSCOW)


def test_event_zone_first_viewer_second():
    label = ZoneView("Europe/Moscow", "America/New_York").label(START)
    assert (label.text, label.other, label.iso) == (
        "16:00 MSK",
        "09:00 in New York",
        "2020-09-19T16:00:00+03:00",
    )


def test_viewer_zone_first_event_second():
    label = ZoneView("Europe/Moscow", "America/New_York", "viewer").label(START)
    assert (label.text, label.other) == ("09:00 EDT", "16:00 in Moscow")


def test_range_crossing_midnight_names_the_days():
    label = ZoneView("Europe/Moscow", "Asia/Tokyo").range_label(
        START + dt.timedelta(hours=4), START + dt.timedelta(hours=6)
    )
    assert label.text == "20:00–22:00 MSK"
    assert label.other == "02:00 Sun–04:00 in Tokyo"
    tokyo = ZoneView("Europe/Moscow", "Asia/Tokyo")
    label = tokyo.range_label(START, START + dt.timedelta(hours=4))
    assert label.other == "22:00–02:00 Sun in Tokyo"


def test_utc_has_no_city():
    assert ZoneView("Europe/Moscow", "UTC").label(START).other == "13:00 UTC"


def test_same_offset_adds_nothing():
    assert ZoneView("Europe/Moscow", "Europe/Istanbul").label(START).other == ""


def test_request_choices():
    rf = RequestFactory()
    request = rf.get("/", {"tz": "viewer"})
    request.COOKIES["tz"] = "America/New_York"
    assert zone_view_for(request, "Europe/Moscow") == ZoneView(
        "Europe/Moscow", "America/New_York", "viewer"
    )
    assert zone_view_for(request, "America/New_York") == ZoneView("America/New_York")
    request = rf.get("/", {"tz": "Mars/Base"})
    request.COOKIES["tz"] = "../../etc/passwd"
    assert zone_view_for(request, "Europe/Moscow") == ZoneView("Europe/Moscow")
    assert zone_view_for(request, "Europe/Moscow").cache_key == "event:"


# --- The page header reads the viewer's own dates --------------------------------------

SATURDAY = dt.date(2026, 12, 5)


@pytest.mark.parametrize(
    ("zone", "days", "hours"),
    [
        ("Pacific/Auckland", "Sunday 6 December 2026", "02:00–05:00 NZDT"),
        ("Pacific/Kiritimati", "Sunday 6 December 2026", "03:00–06:00 +14"),
        ("Pacific/Honolulu", "Saturday 5 December 2026", "03:00–06:00 HST"),
        ("Asia/Tokyo", "5–6 December 2026", "22:00–01:00 JST"),
        ("Europe/Moscow", "Saturday 5 December 2026", "16:00–19:00 MSK"),
    ],
)
@pytest.mark.django_db
def test_header_shows_the_viewers_own_dates(client, zone, days, hours):
    from schedule.demo import load_demo

    event, _ = load_demo(SATURDAY)
    for url in (event.get_absolute_url(), f"{event.get_absolute_url()}schedule/"):
        page = client.get(url, {"tz": zone}).content.decode()
        header = page[page.index("<h1") : page.index("</header>", page.index("<h1"))]
        assert f">{days}</time>" in header, (url, header)
        assert hours in header, (url, header)
