"""The public pages as a visitor sees them: content, time zones, visibility, SEO."""

import datetime as dt
import json
import re
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from schedule.models import Talk
from tests.factories import (
    make_event,
    make_registration,
    make_room,
    make_speaker,
    make_talk,
    make_user,
)

pytestmark = pytest.mark.django_db

MOSCOW = ZoneInfo("Europe/Moscow")
LANDING = "/events/ml-art-datafest-2020/"
SCHEDULE = "/events/ml-art-datafest-2020/schedule/"
TALK = "/events/ml-art-datafest-2020/talks/neural-network-art-gallery/"


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def positions(text: str, needles) -> list[int]:
    found = [text.find(needle) for needle in needles]
    assert -1 not in found, [n for n, i in zip(needles, found, strict=True) if i == -1]
    return found


def jsonld(text: str) -> dict:
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', text, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


# --- Home --------------------------------------------------------------------


def test_home_empty_state(client):
    page = html(client.get("/"))
    assert "No events yet" in page
    assert "Upcoming" not in page


def test_home_lists_upcoming_first_then_past_with_dates_in_event_zone(client, demo_event):
    make_event(
        "future-meetup", name="Future meetup", tagline="Coming soon", day=dt.date(2031, 3, 1)
    )
    page = html(client.get("/"))
    upcoming, future, past, demo = positions(
        page, ["Upcoming", "Future meetup", "Past events", "Machine Learning Art"]
    )
    assert upcoming < future < past < demo
    assert "Saturday 19 September 2020" in page
    assert "16:00–19:00 MSK" in page
    assert "Coming soon" in page
    assert "Artists who work with machine learning" in page


def test_home_hides_unpublished_events_from_the_public(client):
    make_event("secret", name="Secret meetup", is_published=False)
    assert "Secret meetup" not in html(client.get("/"))


# --- Event landing -----------------------------------------------------------


def test_landing_lists_talks_and_speakers_in_order_with_event_times(client, demo_event):
    page = html(client.get(LANDING))
    found = positions(
        page,
        [
            "16:00 MSK",
            "Differentiable Self-Organisation with Neural Cellular Automata",
            "Alexander Mordvintsev",
            "17:00 MSK",
            "A non-existent designer with real satisfied customers",
            "Roman Kosovichev",
            "18:00 MSK",
            "The neural network art gallery",
            "Evgeny Kashin",
            "Yuri Viazovetskyi",
        ],
    )
    assert found == sorted(found)
    assert '<time class="time-label" datetime="2020-09-19T16:00:00+03:00">16:00 MSK</time>' in page
    assert page.count("40 min") == 3


def test_landing_has_the_seed_page_content(client, demo_event):
    page = html(client.get(LANDING))
    assert '<a href="https://fest.ai/2020" rel="noopener">Data Fest 2020</a>' in page
    assert '<a href="https://ods.ai" rel="noopener">Open Data Science</a>' in page
    assert "<strong>Machine Learning Art takes part in" in page  # Markdown rendered
    # The seed's trailer link is its stream: one button for the stream, the teaser on the talk.
    assert "Watch the trailer" not in page
    assert page.count('href="https://www.youtube.com/watch?v=othTjSowvqY"') == 1
    assert 'href="https://youtu.be/zRje8tRjcz8"' in page  # teaser
    assert page.count("Live Q&amp;A after the talk (15 min)") == 3
    assert reverse("schedule:speaker-detail", args=["yuri-viazovetskyi"]) in page
    assert reverse("schedule:talk-detail", args=[demo_event.slug, "non-existent-designer"]) in page


def test_past_landing_offers_the_recording_instead_of_joining(client, demo_event):
    page = html(client.get(LANDING))
    assert "Watch again" in page
    assert "Watch the stream recording" in page
    assert "How to participate" not in page
    assert 'id="join-heading"' not in page


def test_upcoming_landing_explains_how_to_participate_from_the_data(client):
    event = make_event("upcoming", name="Upcoming meetup", stream_url="https://stream.example/")
    room = make_room(event, name="ML Art", description="Premiered on Spatial Chat.")
    make_talk(event, room, live_qa_minutes=10)
    page = html(client.get(event.get_absolute_url()))
    assert "How to participate" in page
    assert "<strong>ML Art</strong> room: Premiered on Spatial Chat." in page
    assert "live Q&amp;A with the speaker" in page
    assert 'href="https://stream.example/"' in page
    assert 'id="join-heading"' in page  # the join panel of the access function
    assert room.join_url not in page
    assert room.join_instructions not in page


def test_landing_and_talk_pages_are_private_to_caches(client, demo_event):
    for url in (LANDING, TALK, SCHEDULE):
        response = client.get(url)
        assert "private" in response["Cache-Control"]


def test_registered_user_sees_the_join_link_outside_the_cached_programme(client, monkeypatch):
    event = make_event("soon", name="Soon")
    room = make_room(event)
    make_talk(event, room)
    monkeypatch.setattr("django.utils.timezone.now", lambda: event.start)
    client.get(event.get_absolute_url())  # warm the cache as anonymous
    user = make_user()
    make_registration(user, event)
    client.force_login(user)
    page = html(client.get(event.get_absolute_url()))
    assert room.get_join_path() in page
    client.logout()
    assert room.get_join_path() not in html(client.get(event.get_absolute_url()))


# --- Schedule and time zones ------------------------------------------------


def test_schedule_shows_event_time_and_new_york_time_from_cookie(client, demo_event):
    client.cookies["tz"] = "America/New_York"
    page = html(client.get(SCHEDULE))
    assert '<time class="time-label" datetime="2020-09-19T16:00:00+03:00">16:00 MSK</time>' in page
    assert "(09:00 in New York)" in page
    assert "(10:00 in New York)" in page


def test_schedule_reads_the_cookie_as_site_js_encodes_it(client, demo_event):
    client.cookies["tz"] = "America%2FNew_York"
    assert "(09:00 in New York)" in html(client.get(SCHEDULE))


def test_schedule_in_winter_uses_new_york_standard_time(client):
    event = make_event("winter", day=dt.date(2030, 1, 19))
    make_talk(event, start=dt.datetime(2030, 1, 19, 16, 0, tzinfo=MOSCOW), title="Winter talk")
    client.cookies["tz"] = "America/New_York"
    page = html(client.get(reverse("schedule:event-schedule", args=["winter"])))
    assert "16:00 MSK" in page
    assert "(08:00 in New York)" in page  # UTC−5 in January, UTC−4 in September


def test_schedule_uses_the_profile_zone_of_a_signed_in_user(client, demo_event):
    client.force_login(make_user(timezone="Asia/Tokyo"))
    client.cookies["tz"] = "America/New_York"  # the profile wins over the cookie
    page = html(client.get(SCHEDULE))
    assert "(22:00 in Tokyo)" in page
    assert "New York" not in page


def test_schedule_without_viewer_zone_shows_only_the_event_zone(client, demo_event):
    page = html(client.get(SCHEDULE))
    assert "16:00 MSK" in page
    assert "time-other" not in page
    assert "?tz=viewer" not in page


def test_viewer_zone_first_with_the_switch_and_back(client, demo_event):
    client.cookies["tz"] = "America/New_York"
    page = html(client.get(SCHEDULE + "?tz=viewer"))
    assert '<time class="time-label" datetime="2020-09-19T09:00:00-04:00">09:00 EDT</time>' in page
    assert "(16:00 in Moscow)" in page
    assert 'href="?tz=event"' in page
    page = html(client.get(SCHEDULE + "?tz=event"))
    assert '16:00 MSK</time> <span class="time-other">(09:00 in New York)' in page


def test_zone_in_the_query_string_is_used_as_the_viewers(client, demo_event):
    page = html(client.get(SCHEDULE + "?tz=Asia/Tokyo"))
    assert "22:00 JST" in page


def test_same_offset_zone_adds_nothing(client, demo_event):
    client.cookies["tz"] = "Europe/Istanbul"  # +03 like Moscow in 2020
    page = html(client.get(SCHEDULE))
    assert "in Istanbul" not in page


@pytest.mark.parametrize(
    "cookie",
    ["../../etc", "Mars/Base", "A" * 5000, "Europe/Moscow\x00", "%2E%2E%2Fetc", "", "UTC/../x"],
)
def test_bogus_tz_cookie_is_ignored(client, demo_event, cookie):
    client.cookies["tz"] = cookie
    for url in (LANDING, SCHEDULE, TALK, "/speakers/evgeny-kashin/"):
        page = html(client.get(url))
        assert "16:00" in page or "18:00" in page
        assert "Mars" not in page


@pytest.mark.parametrize("value", ["Mars/Base", "../../etc", "x" * 3000, "viewerx"])
def test_bogus_tz_parameter_is_ignored(client, demo_event, value):
    page = html(client.get(SCHEDULE, {"tz": value}))
    assert "16:00 MSK" in page


def test_schedule_puts_rooms_side_by_side_grouped_by_day(client):
    event = make_event("two-rooms", day=dt.date(2030, 6, 1))
    event.end = event.start + dt.timedelta(days=1, hours=6)
    event.save()
    stage = make_room(event, name="Stage", position=0)
    lab = make_room(event, name="Lab", position=1)
    start = event.start
    make_talk(event, lab, start=start, title="Lab first")
    make_talk(event, stage, start=start, title="Stage first")
    make_talk(event, stage, start=start + dt.timedelta(days=1), title="Day two")
    page = html(client.get(reverse("schedule:event-schedule", args=["two-rooms"])))
    day1, stage_first, lab_first, day2, day_two = positions(
        page,
        ["Saturday 1 June 2030", "Stage first", "Lab first", "Sunday 2 June 2030", "Day two"],
    )
    assert day1 < stage_first < lab_first < day2 < day_two
    assert page.count('class="schedule-row schedule-row--head"') == 2
    assert '<h2 id="day-2030-06-01"' in page


def test_cancelled_talk_is_shown_as_cancelled(client, demo_event):
    talk = demo_event.talks.get(slug="non-existent-designer")
    talk.state = Talk.State.CANCELLED
    talk.save()
    schedule = html(client.get(SCHEDULE))
    assert "slot--cancelled" in schedule
    assert "Cancelled" in schedule
    page = html(client.get(talk.get_absolute_url()))
    assert "Cancelled: this talk will not take place." in page
    assert jsonld(page)["eventStatus"] == "https://schema.org/EventCancelled"


# --- Live now / up next ------------------------------------------------------


def freeze(monkeypatch, moment):
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment)


def test_live_now_and_up_next_follow_the_clock(client, demo_event, monkeypatch):
    # With a session: every page is rendered for the moment asked (no whole-page copy).
    client.force_login(make_user())
    freeze(monkeypatch, dt.datetime(2020, 9, 19, 16, 20, tzinfo=MOSCOW))
    page = html(client.get(SCHEDULE))
    live, first, nxt, second = positions(
        page, ["Live now", "Neural Cellular Automata", "Up next", "A non-existent designer"]
    )
    assert live < first < nxt < second  # each badge sits just before its talk's title
    assert page.count("Live now") == 1 and page.count("Up next") == 1

    # During the live Q&A (16:40-16:55) the talk is still live.
    freeze(monkeypatch, dt.datetime(2020, 9, 19, 16, 50, tzinfo=MOSCOW))
    assert html(client.get(SCHEDULE)).count("Live now") == 1

    # Between talks: nothing live, the next one is up next; the cache did not hide it.
    freeze(monkeypatch, dt.datetime(2020, 9, 19, 16, 57, tzinfo=MOSCOW))
    page = html(client.get(SCHEDULE))
    assert "Live now" not in page
    assert page.index("Up next") > page.index("Neural Cellular Automata")
    assert page.index("Up next") < page.index("A non-existent designer")


def test_no_up_next_weeks_before_the_event(client, demo_event, monkeypatch):
    freeze(monkeypatch, dt.datetime(2020, 9, 1, 12, 0, tzinfo=MOSCOW))
    page = html(client.get(LANDING))
    assert "Up next" not in page and "Live now" not in page
    assert "How to participate" in page  # not past yet on that date


# --- Talk and speaker pages --------------------------------------------------


def test_talk_page_shows_time_speakers_abstract_and_qa(client, demo_event):
    client.cookies["tz"] = "America/New_York"
    page = html(client.get(TALK))
    assert "<h1>The neural network art gallery</h1>" in page
    assert "Saturday 19 September 2020" in page
    assert "18:00–18:40 MSK" in page
    assert "(11:00–11:40 in New York)" in page
    assert page.index("Evgeny Kashin") < page.index("Yuri Viazovetskyi")
    assert "Co-founder, mlart.org" in page
    assert "Live Q&amp;A after the talk (15 min)" in page
    title = "The neural network art gallery · Machine Learning Art · Eventsite"
    assert f"<title>{title}</title>" in page


def test_speaker_page_renders_bio_links_and_talks_across_events(client, demo_event):
    speaker = demo_event.talks.get(slug="neural-cellular-automata").speaker_list[0]
    other = make_event("other-fest", name="Other Fest", day=dt.date(2031, 5, 5))
    make_talk(other, title="Second talk elsewhere", speakers=[speaker])
    hidden = make_event("hidden-fest", name="Hidden Fest", is_published=False)
    make_talk(hidden, title="Talk at a hidden event", speakers=[speaker])
    make_talk(other, title="Draft talk", speakers=[speaker], state=Talk.State.DRAFT)
    page = html(client.get(speaker.get_absolute_url()))
    assert "<h1>Alexander Mordvintsev</h1>" in page
    assert "<strong>Differentiable Self-Organisation</strong>" in page
    assert 'href="https://twitter.com/zzznah"' in page
    assert "Second talk elsewhere" in page and "Other Fest" in page
    assert "Neural Cellular Automata" in page
    assert "Talk at a hidden event" not in page
    assert "Draft talk" not in page
    assert 'class="avatar avatar--lg avatar--initials' in page
    assert ">AM</span>" in page


def test_script_in_a_bio_is_text_not_a_tag(client, demo_event):
    speaker = demo_event.talks.get(slug="neural-cellular-automata").speaker_list[0]
    speaker.bio = 'Hi <script>alert("x")</script> and [link](javascript:alert(1))'
    speaker.save()
    page = html(client.get(speaker.get_absolute_url()))
    assert "<script>alert" not in page
    assert "&lt;script&gt;" in page
    assert "javascript:" not in page


def test_speaker_without_public_talks_is_hidden_from_the_public(client):
    speaker = make_speaker(name="Nobody Yet")
    url = speaker.get_absolute_url()
    assert client.get(url).status_code == 404
    client.force_login(make_user(is_staff=True))
    page = html(client.get(url))
    assert "Preview" in page and "Nobody Yet" in page


def test_speaker_sees_their_own_unpublished_profile(client):
    owner = make_user()
    speaker = make_speaker(name="Claimed Speaker", user=owner)
    client.force_login(owner)
    assert "Claimed Speaker" in html(client.get(speaker.get_absolute_url()))


# --- Visibility ----------------------------------------------------------------


def test_unpublished_event_is_404_for_the_public_and_a_preview_for_staff(client):
    event = make_event("draft-event", name="Draft event", is_published=False)
    talk = make_talk(event, title="Talk in draft event")
    urls = [event.get_absolute_url(), f"{event.get_absolute_url()}schedule/"]
    urls.append(talk.get_absolute_url())
    for url in urls:
        assert client.get(url).status_code == 404
    client.force_login(make_user("member@example.com"))
    for url in urls:
        assert client.get(url).status_code == 404
    client.force_login(make_user("staff@example.com", is_staff=True))
    for url in urls:
        page = html(client.get(url))
        assert "Preview" in page
        assert "Talk in draft event" in page


def test_draft_talk_is_404_for_the_public_and_a_preview_for_staff(client, demo_event):
    talk = make_talk(
        demo_event,
        demo_event.rooms.get(),
        start=demo_event.start + dt.timedelta(minutes=45),
        minutes=10,
        title="Secret draft talk",
        state=Talk.State.DRAFT,
    )
    assert client.get(talk.get_absolute_url()).status_code == 404
    assert "Secret draft talk" not in html(client.get(LANDING))
    assert "Secret draft talk" not in html(client.get(SCHEDULE))
    client.force_login(make_user(is_staff=True))
    page = html(client.get(talk.get_absolute_url()))
    assert "Preview" in page and "Secret draft talk" in page
    assert "Draft" in html(client.get(SCHEDULE))


def test_staff_preview_does_not_leak_into_the_public_cache(client, demo_event):
    make_talk(
        demo_event,
        demo_event.rooms.get(),
        start=demo_event.start + dt.timedelta(minutes=45),
        minutes=10,
        title="Staff only draft",
        state=Talk.State.DRAFT,
    )
    client.force_login(make_user(is_staff=True))
    assert "Staff only draft" in html(client.get(SCHEDULE))
    client.logout()
    assert "Staff only draft" not in html(client.get(SCHEDULE))


# --- SEO -----------------------------------------------------------------------------


def test_event_page_has_title_description_canonical_og_and_jsonld(client, demo_event, settings):
    page = html(client.get(LANDING))
    assert "<title>Machine Learning Art · Eventsite</title>" in page
    assert (
        '<meta name="description" content="Artists who work with machine learning, '
        'in talks with a live Q&amp;A">' in page
    )
    canonical = f"http://testserver{LANDING}"
    assert f'<link rel="canonical" href="{canonical}">' in page
    assert f'<meta property="og:url" content="{canonical}">' in page
    assert '<meta property="og:title" content="Machine Learning Art">' in page
    data = jsonld(page)
    assert data["@type"] == "Event"
    assert data["startDate"] == "2020-09-19T16:00:00+03:00"
    assert data["endDate"] == "2020-09-19T19:00:00+03:00"
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["location"]["@type"] == "VirtualLocation"
    assert data["organizer"]["name"] == "Open Data Science"
    assert data["superEvent"]["name"] == "Data Fest 2020"


def test_talk_page_jsonld(client, demo_event):
    data = jsonld(html(client.get(TALK)))
    assert data["name"] == "The neural network art gallery"
    assert data["startDate"] == "2020-09-19T18:00:00+03:00"
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert [p["name"] for p in data["performer"]] == ["Evgeny Kashin", "Yuri Viazovetskyi"]


def test_jsonld_cannot_be_closed_by_a_title(client, demo_event):
    talk = demo_event.talks.get(slug="neural-network-art-gallery")
    talk.title = "</script><script>alert(1)</script> & more"
    talk.save()
    page = html(client.get(TALK))
    assert "<script>alert(1)" not in page
    assert jsonld(page)["name"] == "</script><script>alert(1)</script> & more"


def test_no_inline_styles_or_scripts(client, demo_event):
    for url in ("/", LANDING, SCHEDULE, TALK, "/speakers/roman-kosovichev/"):
        page = html(client.get(url))
        assert "style=" not in page
        scripts = re.findall(r"<script\b([^>]*)>", page)
        assert all("src=" in attrs or "application/ld+json" in attrs for attrs in scripts)


def test_happening_now_starts_with_the_event_not_its_first_talk(client, monkeypatch):
    from tests.factories import make_event, make_room, make_talk

    event = make_event(day=dt.date(2030, 6, 1))  # 10:00-20:00 Moscow
    room = make_room(event)
    make_talk(event, room, start=dt.datetime(2030, 6, 1, 12, 0, tzinfo=MOSCOW))
    client.force_login(make_user())
    freeze(monkeypatch, dt.datetime(2030, 6, 1, 9, 0, tzinfo=MOSCOW))
    assert "Happening now" not in html(client.get(event.get_absolute_url()))
    freeze(monkeypatch, dt.datetime(2030, 6, 1, 10, 30, tzinfo=MOSCOW))
    assert "Happening now" in html(client.get(event.get_absolute_url()))


@pytest.mark.parametrize(
    "minutes, words",
    [
        (30, "30 minutes"),
        (60, "1 hour"),
        (90, "90 minutes"),
        (120, "2 hours"),
        (1440, "1 day"),
        (11520, "8 days"),
        (1500, "25 hours"),
    ],
)
def test_reveal_time_reads_in_whole_units(client, minutes, words):
    from schedule.demo import coming_saturday, load_demo

    event, _ = load_demo(coming_saturday(dt.date.today()))
    event.access_reveal_minutes = minutes
    event.save()
    page = html(client.get(LANDING))
    assert f"the invite to the room {words} before the start" in page


def test_join_panel_comes_first_beside_the_programme(client):
    from schedule.demo import coming_saturday, load_demo

    load_demo(coming_saturday(dt.date.today()))
    page = html(client.get(LANDING))
    assert page.index('id="join-heading"') < page.index('id="participate-heading"')
