"""Dates, times, zones and counts read naturally in English and in Russian."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from schedule import formats
from schedule.timezones import ZoneView

MOSCOW = ZoneInfo("Europe/Moscow")
SATURDAY_4PM = dt.datetime(2026, 12, 5, 16, 0, tzinfo=MOSCOW)


@pytest.fixture
def russian():
    with translation.override("ru"):
        yield


@pytest.fixture
def english():
    with translation.override("en"):
        yield


def test_english_day_and_time_are_unchanged(english):
    assert formats.day(SATURDAY_4PM, MOSCOW) == "Saturday 5 December 2026"
    assert formats.moment(SATURDAY_4PM, MOSCOW) == "Saturday 5 December 2026, 16:00 MSK"
    assert formats.short_moment(SATURDAY_4PM, MOSCOW) == "Sat 5 Dec 2026, 16:00 MSK"


def test_russian_day_names_the_month_in_the_genitive(russian):
    assert formats.day(SATURDAY_4PM, MOSCOW) == "суббота, 5 декабря 2026"
    assert formats.moment(SATURDAY_4PM, MOSCOW) == "суббота, 5 декабря 2026, 16:00 МСК"
    assert formats.short_moment(SATURDAY_4PM, MOSCOW) == "сб, 5 дек 2026, 16:00 МСК"
    assert formats.short_day(SATURDAY_4PM, MOSCOW) == "сб, 5 дек"


@pytest.mark.parametrize(
    ("start", "end", "text"),
    [
        (dt.datetime(2030, 7, 1, 10), dt.datetime(2030, 7, 3, 18), "1–3 июля 2030"),
        (dt.datetime(2030, 6, 30, 10), dt.datetime(2030, 7, 2, 18), "30 июня – 2 июля 2030"),
        (
            dt.datetime(2030, 12, 30, 10),
            dt.datetime(2031, 1, 1, 18),
            "30 декабря 2030 – 1 января 2031",
        ),
    ],
)
def test_russian_day_spans(russian, start, end, text):
    start, end = start.replace(tzinfo=MOSCOW), end.replace(tzinfo=MOSCOW)
    assert formats.day_span(start, end, MOSCOW) == text


@pytest.mark.parametrize(
    ("zone", "english", "russian"),
    [
        ("Europe/Moscow", "16:00 MSK", "16:00 МСК"),
        ("Asia/Yekaterinburg", "18:00 +05", "18:00 МСК+2"),
        ("Europe/Kaliningrad", "15:00 EET", "15:00 МСК−1"),
        ("Europe/Berlin", "14:00 CET", "14:00 UTC+1"),
        ("America/New_York", "08:00 EST", "08:00 UTC−5"),
        ("Asia/Kolkata", "18:30 IST", "18:30 UTC+5:30"),
        ("UTC", "13:00 UTC", "13:00 UTC"),
    ],
)
def test_zone_short_names(zone, english, russian):
    with translation.override("en"):
        assert formats.clock(SATURDAY_4PM, ZoneInfo(zone)) == english
    with translation.override("ru"):
        assert formats.clock(SATURDAY_4PM, ZoneInfo(zone)) == russian


def test_the_other_zone_names_its_city_in_the_readers_language():
    view = ZoneView("Europe/Moscow", "America/New_York")
    with translation.override("en"):
        assert view.label(SATURDAY_4PM).other == "08:00 in New York"
    with translation.override("ru"):
        label = view.label(SATURDAY_4PM)
        assert (label.text, label.other) == ("16:00 МСК", "08:00, Нью-Йорк")
        late = ZoneView("Europe/Moscow", "Asia/Tokyo").range_label(
            SATURDAY_4PM + dt.timedelta(hours=4), SATURDAY_4PM + dt.timedelta(hours=6)
        )
        assert late.other == "02:00 вс–04:00, Токио"


@pytest.mark.parametrize(
    ("minutes", "text"),
    [
        (1, "1 минута"),
        (2, "2 минуты"),
        (5, "5 минут"),
        (11, "11 минут"),
        (21, "21 минута"),
        (22, "22 минуты"),
        (60, "1 час"),
        (180, "3 часа"),
        (300, "5 часов"),
        (24 * 60, "1 день"),
        (2 * 24 * 60, "2 дня"),
        (8 * 24 * 60, "8 дней"),
    ],
)
def test_russian_durations_take_the_right_plural(russian, minutes, text):
    assert formats.duration(minutes) == text


@pytest.mark.parametrize(
    ("minutes", "text"),
    [(1, "1 minute"), (30, "30 minutes"), (60, "1 hour"), (120, "2 hours"), (1440, "1 day")],
)
def test_english_durations(english, minutes, text):
    assert formats.duration(minutes) == text
