"""Calendar feeds, frab/c3voc exports and the personal calendar feed."""

import datetime as dt
import json
import re
import uuid
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import icalendar
import pytest
from django.template.loader import render_to_string
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from schedule import frab
from schedule.calendar_links import google_calendar_url, webcal_url
from schedule.demo import JOIN_URL
from schedule.models import Event, Registration, Room, Speaker, Talk
from schedule.timezones import COMMON_TIMEZONES
from tests.factories import (
    make_big_event,
    make_event,
    make_registration,
    make_room,
    make_talk,
    make_user,
)

pytestmark = pytest.mark.django_db
UTC = dt.UTC
SLUG = "ml-art-datafest-2020"
JOIN_INSTRUCTIONS = "Find the ML ART room in the room list!"
PUBLIC_FEEDS = ["schedule:event-ics", "schedule:event-xml", "schedule:event-json"]


def feed_url(name, slug=SLUG):
    return reverse(name, kwargs={"slug": slug})


def get_ics(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def vevents(calendar):
    return calendar.walk("VEVENT")


def utc(component, name):
    return component.decoded(name).astimezone(UTC)


def edit(talk, **fields):
    for name, value in fields.items():
        setattr(talk, name, value)
    talk.save()


# ---------------------------------------------------------------------------
# Event calendar


def test_event_ics_has_the_three_demo_talks_at_their_utc_times(client, demo_event):
    calendar = get_ics(client, feed_url("schedule:event-ics"))

    events = vevents(calendar)
    assert [str(event["SUMMARY"]) for event in events] == list(
        demo_event.talks.order_by("start").values_list("title", flat=True)
    )
    assert [utc(event, "DTSTART") for event in events] == [
        dt.datetime(2020, 9, 19, hour, 0, tzinfo=UTC) for hour in (13, 14, 15)
    ]
    assert utc(events[0], "DTEND") == dt.datetime(2020, 9, 19, 13, 40, tzinfo=UTC)
    assert str(calendar["X-WR-CALNAME"]) == "Machine Learning Art"
    assert str(calendar["VERSION"]) == "2.0"
    assert "Eventsite" in str(calendar["PRODID"])


def test_event_ics_times_are_in_the_event_zone_with_its_vtimezone(client, demo_event):
    body = client.get(feed_url("schedule:event-ics")).content.decode()

    assert "DTSTART;TZID=Europe/Moscow:20200919T160000" in body
    calendar = icalendar.Calendar.from_ical(body)
    [zone] = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/Moscow"
    assert zone.walk("STANDARD")[0].decoded("TZOFFSETTO") == dt.timedelta(hours=3)


def test_event_ics_describes_each_talk(client, demo_event):
    events = vevents(get_ics(client, feed_url("schedule:event-ics")))

    last = events[-1]
    talk = Talk.objects.get(slug="neural-network-art-gallery")
    description = str(last["DESCRIPTION"])
    assert "Speakers: Evgeny Kashin, Yuri Viazovetskyi" in description
    assert "how to train the neural network to generate paintings" in description
    assert "**" not in description
    talk_url = f"http://127.0.0.1:8000/events/{SLUG}/talks/neural-network-art-gallery/"
    assert talk_url in description
    assert str(last["URL"]) == talk_url
    assert str(last["LOCATION"]) == "ML Art"
    assert str(last["STATUS"]) == "CONFIRMED"
    assert str(last["UID"]) == f"{talk.guid}@127.0.0.1"
    assert last.decoded("SEQUENCE") == talk.sequence
    assert last.decoded("LAST-MODIFIED") == talk.updated_at.replace(microsecond=0)


def test_event_ics_uid_is_stable_and_sequence_grows_with_edits(client, demo_event):
    url = feed_url("schedule:event-ics")
    first = vevents(get_ics(client, url))
    again = vevents(get_ics(client, url))
    assert [str(e["UID"]) for e in first] == [str(e["UID"]) for e in again]

    talk = Talk.objects.get(slug="non-existent-designer")
    edit(talk, title="A designer who does not exist", start=talk.start + dt.timedelta(minutes=5))
    after = vevents(get_ics(client, url))

    assert [str(e["UID"]) for e in after] == [str(e["UID"]) for e in first]
    assert str(after[1]["SUMMARY"]) == "A designer who does not exist"
    assert utc(after[1], "DTSTART") == dt.datetime(2020, 9, 19, 14, 5, tzinfo=UTC)
    assert after[1].decoded("SEQUENCE") == first[1].decoded("SEQUENCE") + 1
    assert after[0].decoded("SEQUENCE") == first[0].decoded("SEQUENCE")


def test_event_ics_marks_cancelled_talks_and_leaves_out_drafts(client, demo_event):
    edit(Talk.objects.get(slug="non-existent-designer"), state=Talk.State.CANCELLED)
    edit(Talk.objects.get(slug="neural-network-art-gallery"), state=Talk.State.DRAFT)

    events = vevents(get_ics(client, feed_url("schedule:event-ics")))

    assert [(str(e["STATUS"]), str(e["SUMMARY"])) for e in events] == [
        ("CONFIRMED", "Differentiable Self-Organisation with Neural Cellular Automata"),
        ("CANCELLED", "Cancelled: A non-existent designer with real satisfied customers"),
    ]
    assert str(events[1]["DESCRIPTION"]).startswith("This talk is cancelled.")


def test_talk_ics_is_one_event_to_download(client, demo_event):
    url = reverse("schedule:talk-ics", kwargs={"slug": SLUG, "talk": "neural-network-art-gallery"})
    response = client.get(url)

    assert response["Content-Disposition"] == (
        'attachment; filename="neural-network-art-gallery.ics"'
    )
    [event] = vevents(icalendar.Calendar.from_ical(response.content))
    talk = Talk.objects.get(slug="neural-network-art-gallery")
    assert str(event["UID"]) == f"{talk.guid}@127.0.0.1"
    assert utc(event, "DTSTART") == dt.datetime(2020, 9, 19, 15, 0, tzinfo=UTC)
    assert "Evgeny Kashin, Yuri Viazovetskyi" in str(event["DESCRIPTION"])


def test_talk_ics_of_a_draft_talk_or_unpublished_event_is_404(client):
    event = make_event()
    draft = make_talk(event, state=Talk.State.DRAFT)
    hidden_event = make_event(is_published=False)
    hidden = make_talk(hidden_event)

    for talk in (draft, hidden):
        url = reverse("schedule:talk-ics", kwargs={"slug": talk.event.slug, "talk": talk.slug})
        assert client.get(url).status_code == 404


@pytest.mark.parametrize("name", PUBLIC_FEEDS)
def test_feeds_of_an_unpublished_or_unknown_event_are_404(client, superuser, name):
    event = make_event(is_published=False)
    make_talk(event)
    client.force_login(superuser)

    assert client.get(feed_url(name, event.slug)).status_code == 404
    assert client.get(feed_url(name, "no-such-event")).status_code == 404


@pytest.mark.parametrize("name", [*PUBLIC_FEEDS, "schedule:talk-ics"])
def test_public_feeds_never_contain_join_url_or_instructions(client, demo_event, name):
    # Even for a verified, confirmed user after the reveal: public feeds are the same for all.
    user = make_user()
    make_registration(user, demo_event)
    client.force_login(user)
    if name == "schedule:talk-ics":
        url = reverse(name, kwargs={"slug": SLUG, "talk": "neural-cellular-automata"})
    else:
        url = feed_url(name)

    body = client.get(url).content.decode()

    assert "ML Art" in body
    assert JOIN_URL not in body
    assert "spatial.chat" not in body
    assert JOIN_INSTRUCTIONS not in body
    assert "/join/" not in body


# ---------------------------------------------------------------------------
# Google Calendar link and the templates


def test_google_calendar_url_carries_title_utc_times_and_details(demo_event):
    talk = Talk.objects.for_schedule().get(slug="neural-network-art-gallery")

    url = urlsplit(google_calendar_url(talk))
    params = {key: value for key, [value] in parse_qs(url.query).items()}

    assert f"{url.scheme}://{url.netloc}{url.path}" == (
        "https://calendar.google.com/calendar/render"
    )
    assert params["action"] == "TEMPLATE"
    assert params["text"] == "The neural network art gallery"
    assert params["dates"] == "20200919T150000Z/20200919T154000Z"
    assert params["location"] == "ML Art"
    assert params["ctz"] == "Europe/Moscow"
    assert "Speakers: Evgeny Kashin, Yuri Viazovetskyi" in params["details"]
    assert JOIN_URL not in url.query


def test_webcal_url_swaps_the_scheme():
    assert webcal_url("https://example.org/calendar/x.ics") == "webcal://example.org/calendar/x.ics"


def test_talk_page_links_to_its_ics_and_google_calendar(client, demo_event):
    response = client.get(
        reverse("schedule:talk-detail", kwargs={"slug": SLUG, "talk": "neural-cellular-automata"})
    )

    html = response.content.decode()
    assert f'href="/events/{SLUG}/talks/neural-cellular-automata.ics"' in html
    assert "https://calendar.google.com/calendar/render?action=TEMPLATE" in html


def test_schedule_page_links_to_every_feed(client, demo_event):
    html = client.get(feed_url("schedule:event-schedule")).content.decode()

    for content_type, path in [
        ("text/calendar", f"/events/{SLUG}/schedule.ics"),
        ("application/vnd.c3voc.schedule+xml", f"/events/{SLUG}/schedule.xml"),
        ("application/json", f"/events/{SLUG}/schedule.json"),
    ]:
        head = html.split("</head>")[0]
        assert f'<link rel="alternate" type="{content_type}"' in head
        assert f'href="{path}"' in head
        assert f'<a href="{path}" type="{content_type}">' in html
    assert f'href="webcal://testserver/events/{SLUG}/schedule.ics"' in html


# ---------------------------------------------------------------------------
# frab / c3voc JSON and XML


def get_json(client, slug=SLUG):
    response = client.get(feed_url("schedule:event-json", slug))
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def get_xml(client, slug=SLUG):
    response = client.get(feed_url("schedule:event-xml", slug))
    assert response["Content-Type"] == "application/vnd.c3voc.schedule+xml; charset=utf-8"
    return ET.fromstring(response.content)


def demo_frab_slugs():
    """The demo's talks in start order, in the frab form: acronym, talk id, title words."""
    ids = dict(Talk.objects.filter(event__slug=SLUG).values_list("slug", "pk"))
    return [
        f"ml_art_datafest_2020-{ids['neural-cellular-automata']}-differentiable_self"
        "_organisation_with_neural_cellular_automata",
        f"ml_art_datafest_2020-{ids['non-existent-designer']}-a_non_existent_designer_with"
        "_real_satisfied_customers",
        f"ml_art_datafest_2020-{ids['neural-network-art-gallery']}-the_neural_network_art_gallery",
    ]


def test_json_conference(client, demo_event):
    data = get_json(client)
    schedule = data["schedule"]
    conference = schedule["conference"]
    room = Room.objects.get(event=demo_event)

    assert data["generator"] == {"name": "Eventsite"}
    assert isinstance(schedule["version"], str) and schedule["version"]
    assert {key: conference[key] for key in conference if key not in ("days", "rooms")} == {
        "acronym": "ml_art_datafest_2020",
        "title": "Machine Learning Art",
        "start": "2020-09-19",
        "end": "2020-09-19",
        "daysCount": 1,
        "timeslot_duration": "00:05",
        "time_zone_name": "Europe/Moscow",
        "url": f"http://127.0.0.1:8000/events/{SLUG}/",
    }
    assert conference["rooms"] == [
        {"name": "ML Art", "guid": str(room.guid), "description": room.description}
    ]
    [day] = conference["days"]
    assert {key: day[key] for key in ("index", "date", "day_start", "day_end")} == {
        "index": 1,
        "date": "2020-09-19",
        "day_start": "2020-09-19T00:00:00+03:00",
        "day_end": "2020-09-20T00:00:00+03:00",
    }
    assert list(day["rooms"]) == ["ML Art"]


# Facts copied from the c3voc JSON schema: validator/json/schema.json of the GitHub
# repository voc/schedule, branch master, commit 0a403ee5239e0f7883b539a0e05e08f42b737ecb
# (2026-06-27). Each object allows only the keys it lists ("additionalProperties": false).
C3VOC_TOP_LEVEL = {"allowed": {"$schema", "generator", "schedule"}, "required": {"schedule"}}
C3VOC_CONFERENCE = {
    "allowed": {
        "acronym", "colors", "days", "daysCount", "description", "end", "keywords", "logo",
        "meta", "rooms", "start", "time_zone_name", "timeslot_duration", "title", "tracks",
        "url",
    },
    "required": {"acronym", "days", "daysCount", "end", "start", "timeslot_duration", "title"},
}  # fmt: skip
C3VOC_DAY = {"allowed": {"date", "day_end", "day_start", "index", "rooms"}}
C3VOC_DAY["required"] = C3VOC_DAY["allowed"]
C3VOC_EVENT = {
    "allowed": {
        "abstract", "attachments", "code", "date", "description", "do_not_record",
        "do_not_stream", "duration", "end", "feedback_url", "guid", "id", "language", "links",
        "logo", "origin_url", "persons", "recording_license", "room", "slug", "start",
        "subtitle", "title", "track", "type", "url",
    },
    "required": {
        "abstract", "date", "duration", "guid", "id", "language", "links", "persons", "room",
        "slug", "start", "subtitle", "title", "track", "type", "url",
    },
}  # fmt: skip
C3VOC_ROOM = {
    "allowed": {
        "assembly", "capacity", "description", "features", "guid", "name", "slug",
        "stream_id", "type", "url",
    },
    "required": {"guid", "name"},
}  # fmt: skip
C3VOC_REFERENCE = {"allowed": {"title", "type", "url"}, "required": {"url"}}  # links, attachments
# A person must be exactly one of these ("oneOf"): frab's (our kind) or pretalx's.
C3VOC_FRAB_PERSON_REQUIRED = {"id", "public_name"}
C3VOC_PRETALX_PERSON_REQUIRED = {"name"}


def assert_keys(item, facts):
    assert facts["required"] <= set(item) <= facts["allowed"], (
        f"missing {facts['required'] - set(item)}, not allowed {set(item) - facts['allowed']}"
    )


def test_json_keys_are_the_ones_the_c3voc_schema_allows(client):
    event = make_big_event()
    Talk.objects.filter(event=event, slug="big-talk-0").update(
        teaser_url="https://video.example/teaser", recording_url="https://video.example/rec"
    )
    data = get_json(client, event.slug)

    assert_keys(data, C3VOC_TOP_LEVEL)
    assert {"conference", "version"} <= set(data["schedule"])
    assert "rooms" not in data["schedule"]  # the schema forbids it there: rooms: false
    conference = data["schedule"]["conference"]
    assert_keys(conference, C3VOC_CONFERENCE)
    for room in conference["rooms"]:
        assert_keys(room, C3VOC_ROOM)
    for day in conference["days"]:
        assert_keys(day, C3VOC_DAY)
    talks = [
        talk for day in conference["days"] for talks in day["rooms"].values() for talk in talks
    ]
    assert len(talks) == 300
    for talk in talks:
        assert_keys(talk, C3VOC_EVENT)
        assert all(isinstance(talk[key], str) for key in ("track", "subtitle", "logo")), talk
        for reference in talk["links"] + talk["attachments"]:
            assert_keys(reference, C3VOC_REFERENCE)
        for person in talk["persons"]:
            assert set(person) >= C3VOC_FRAB_PERSON_REQUIRED
            assert not set(person) >= C3VOC_PRETALX_PERSON_REQUIRED, person
            assert person["public_name"] and isinstance(person["id"], int)
    assert {link["title"] for talk in talks for link in talk["links"]} == {"Teaser", "Recording"}


def test_json_talks(client, demo_event):
    [day] = get_json(client)["schedule"]["conference"]["days"]
    talks = day["rooms"]["ML Art"]

    assert [talk["slug"] for talk in talks] == demo_frab_slugs()
    first = talks[0]
    model = Talk.objects.get(slug="neural-cellular-automata")
    assert first == {
        "guid": str(model.guid),
        "id": model.pk,
        "date": "2020-09-19T16:00:00+03:00",
        "start": "16:00",
        "duration": "00:40",
        "room": "ML Art",
        "slug": f"ml_art_datafest_2020-{model.pk}-differentiable_self_organisation_with_neural"
        "_cellular_automata",
        "url": f"http://127.0.0.1:8000/events/{SLUG}/talks/neural-cellular-automata/",
        "title": "Differentiable Self-Organisation with Neural Cellular Automata",
        "subtitle": "",
        "track": "",
        "type": "talk",
        "language": "en",
        "abstract": first["abstract"],
        "description": "",
        "logo": "",
        "recording_license": "",
        "do_not_record": False,
        "persons": [
            {
                "id": Speaker.objects.get(slug="alexander-mordvintsev").pk,
                "guid": first["persons"][0]["guid"],
                "public_name": "Alexander Mordvintsev",
            }
        ],
        "links": [{"url": "https://youtu.be/zRje8tRjcz8", "title": "Teaser"}],
        "attachments": [],
    }
    assert first["abstract"].startswith("Differentiable Self-Organisation is a practical way")
    uuid.UUID(first["persons"][0]["guid"])
    assert [person["public_name"] for person in talks[2]["persons"]] == [
        "Evgeny Kashin",
        "Yuri Viazovetskyi",
    ]
    assert [(talk["start"], talk["date"]) for talk in talks] == [
        ("16:00", "2020-09-19T16:00:00+03:00"),
        ("17:00", "2020-09-19T17:00:00+03:00"),
        ("18:00", "2020-09-19T18:00:00+03:00"),
    ]


def test_xml_structure(client, demo_event):
    root = get_xml(client)

    assert root.tag == "schedule"
    assert [child.tag for child in root] == ["generator", "version", "conference", "day"]
    assert root.find("generator").attrib == {"name": "Eventsite"}
    conference = {child.tag: child.text for child in root.find("conference")}
    assert conference == {
        "acronym": "ml_art_datafest_2020",
        "title": "Machine Learning Art",
        "start": "2020-09-19",
        "end": "2020-09-19",
        "days": "1",
        "timeslot_duration": "00:05",
        "base_url": "http://127.0.0.1:8000/",
        "time_zone_name": "Europe/Moscow",
    }
    [day] = root.findall("day")
    assert day.attrib == {
        "index": "1",
        "date": "2020-09-19",
        "start": "2020-09-19T00:00:00+03:00",
        "end": "2020-09-20T00:00:00+03:00",
    }
    [room] = day.findall("room")
    assert room.attrib == {"name": "ML Art"}
    events = room.findall("event")
    talks = list(demo_event.talks.order_by("start"))
    assert [event.attrib for event in events] == [
        {"guid": str(talk.guid), "id": str(talk.pk)} for talk in talks
    ]
    last = events[-1]
    # Leaves only: abstract and persons are checked below.
    skip = ("abstract", "persons", "recording")
    fields = {child.tag: child.text for child in last if child.tag not in skip}
    assert fields == {
        "date": "2020-09-19T18:00:00+03:00",
        "start": "18:00",
        "duration": "00:40",
        "room": "ML Art",
        "slug": f"ml_art_datafest_2020-{talks[-1].pk}-the_neural_network_art_gallery",
        "url": f"http://127.0.0.1:8000/events/{SLUG}/talks/neural-network-art-gallery/",
        "title": "The neural network art gallery",
        "subtitle": None,
        "track": None,
        "type": "talk",
        "language": "en",
        "description": None,
        "links": None,
        "attachments": None,
    }
    assert last.findtext("abstract").startswith("Evgeny and Yuri discuss")
    speakers = Speaker.objects.filter(talks=talks[-1]).order_by("talk_links__position")
    assert [(p.get("id"), p.text) for p in last.find("persons")] == [
        (str(speaker.pk), speaker.name) for speaker in speakers
    ]
    assert [(link.get("href"), link.text) for link in events[0].find("links")] == [
        ("https://youtu.be/zRje8tRjcz8", "Teaser")
    ]
    # No recording yet: the licence and the opt-out, as the JSON says them.
    assert [(child.tag, child.text) for child in last.find("recording")] == [
        ("license", None),
        ("optout", "false"),
    ]


def test_recording_is_in_the_field_each_format_has_for_it(client, demo_event):
    talk = Talk.objects.get(slug="neural-network-art-gallery")
    edit(talk, recording_url="https://www.youtube.com/watch?v=recording01")

    [event] = [e for e in get_xml(client).iter("event") if e.get("id") == str(talk.pk)]
    assert event.findtext("recording/url") == "https://www.youtube.com/watch?v=recording01"
    assert [(link.get("href"), link.get("type"), link.text) for link in event.find("links")] == [
        ("https://www.youtube.com/watch?v=recording01", "media", "Recording")
    ]
    [day] = get_json(client)["schedule"]["conference"]["days"]
    [talk_json] = [t for t in day["rooms"]["ML Art"] if t["id"] == talk.pk]
    assert talk_json["links"] == [
        {
            "url": "https://www.youtube.com/watch?v=recording01",
            "title": "Recording",
            "type": "media",
        }
    ]


# Patterns copied from the GitHub repository voc/schedule, branch master, commit
# 0a403ee5239e0f7883b539a0e05e08f42b737ecb (2026-06-27). validator/xsd/schedule.xml.xsd:
# an XSD pattern must match the whole value. validator/json/schema.json: a JSON Schema
# pattern matches anywhere in it (re.search), hence its anchors.
XSD_SLUG = r"[a-z0-9_]{4,}-[a-z0-9\-_]{4,}"  # simpleType voc-slug-new, of <event><slug>
XSD_ACRONYM = r"[a-z0-9_-]{4,}"  # simpleType acronym
JSON_SLUG = r"^[a-z0-9_-]+[a-z0-9]$"  # definitions/Event/properties/slug
JSON_ACRONYM = r"^[a-z0-9_-][a-z0-9_]{3,}(-2[0-9]{3}-[a-z]+)?$"  # Conference/acronym
JSON_TIME_ZONE = r"^([A-Z][a-z]+/[A-Z][a-z]+)|UTC$"  # Conference/time_zone_name


def schema_slugs(client, event_slug):
    """The talk slugs and the acronym of an event's frab JSON and XML, checked against
    the schemas' patterns."""
    conference = get_json(client, event_slug)["schedule"]["conference"]
    slugs = [t["slug"] for day in conference["days"] for ts in day["rooms"].values() for t in ts]
    root = get_xml(client, event_slug)
    assert [event.findtext("slug") for event in root.iter("event")] == slugs
    assert len(set(slugs)) == len(slugs)  # the XSD's slug_unique
    for slug in slugs:
        assert re.fullmatch(XSD_SLUG, slug), slug
        assert re.search(JSON_SLUG, slug), slug
        assert len(slug) <= 240, slug  # frab's limit
    acronym = conference["acronym"]
    assert root.findtext("conference/acronym") == acronym
    assert re.fullmatch(XSD_ACRONYM, acronym) and re.search(JSON_ACRONYM, acronym), acronym
    return slugs, acronym


def test_frab_slugs_match_the_schema_patterns(client, demo_event):
    slugs, acronym = schema_slugs(client, SLUG)

    assert acronym == "ml_art_datafest_2020"
    assert slugs == demo_frab_slugs()


# Title, the talk's address slug, and the title words of its frab slug (None: depends on
# the talk's id, which only the patterns check).
TRICKY_TITLES = [
    ("Нейросети и искусство", "neyroseti", "neyroseti_i_iskusstvo"),
    ("ИИ", "ii", "ii"),
    ("Ёжик в тумане", "ezhik", "ezhik_v_tumane"),
    ("Ґанок і їжак", "ganok", "ganok_i_yizhak"),
    ("Café ß & Œuvre", "cafe", "cafe_ss_oeuvre"),
    ("C++ & C#", "cpp", "c_c"),
    ("日本語のトーク", "nihongo-talk", "nihongo_talk"),  # no ASCII form: the address slug
    ("🎨🤖", "Emoji--Art", "emoji_art"),
    ("?", "q", None),  # "q" or, after a short id, "talk"
    ("X", "x", None),
    ("", "untitled", "untitled"),
    ("a" * 300, "long-a", None),
    ("Word " * 60, "long-words", None),
]


@pytest.mark.parametrize(
    ("event_slug", "acronym"),
    [
        ("ml-art-datafest-2020", "ml_art_datafest_2020"),
        ("AI-Lab", "ai_lab"),
        ("ai", "ai_2030"),  # 4+ characters: the year completes a short slug
        ("x", "x_2030"),
        ("a_b", "a_b_2030"),
        ("-", "2030"),
    ],
)
def test_frab_slugs_of_tricky_titles_and_event_slugs(client, event_slug, acronym):
    event = make_event(event_slug, day=dt.date(2030, 6, 1))
    room = make_room(event)
    talks = [
        make_talk(event, room, title=title, slug=slug, start=event.start + dt.timedelta(hours=n))
        for n, (title, slug, _) in enumerate(TRICKY_TITLES)
    ]

    slugs, got_acronym = schema_slugs(client, event_slug)

    assert got_acronym == acronym
    assert len(slugs) == len(TRICKY_TITLES)
    for slug, talk, (_, _, words) in zip(slugs, talks, TRICKY_TITLES, strict=True):
        assert slug.startswith(f"{acronym}-{talk.pk}-"), slug
        if words is not None:
            assert slug == f"{acronym}-{talk.pk}-{words}"
    long_a, long_words = slugs[-2:]
    assert len(long_a) == 240 and long_a.endswith("aaaa")
    assert len(long_words) <= 240 and long_words.endswith("_word")


@pytest.mark.parametrize(
    ("pk", "title", "slug", "expected"),
    [
        (12, "X", "x", "ai_2030-12-x"),
        (7, "X", "x-ray", "ai_2030-7-x_ray"),  # "7-x" is too short: the address slug
        (7, "X", "x", "ai_2030-7-talk"),  # and when that is too: "talk"
        (7, "日本語", "", "ai_2030-7-talk"),
        (7, "Ω", "-", "ai_2030-7-talk"),
    ],
)
def test_talk_slug_falls_back_when_the_title_gives_too_little(pk, title, slug, expected):
    event = Event(slug="ai", timezone="UTC", start=dt.datetime(2030, 1, 1, tzinfo=UTC))
    talk = Talk(pk=pk, event=event, title=title, slug=slug)

    assert frab.talk_slug(talk) == expected
    assert re.fullmatch(XSD_SLUG, expected) and re.search(JSON_SLUG, expected)


def test_every_time_zone_is_named_as_the_schema_asks_and_stays_the_same_zone():
    instants = [
        dt.datetime(1970, 1, 1, tzinfo=UTC) + dt.timedelta(days=d) for d in range(0, 25_000, 5)
    ]
    for name in sorted(COMMON_TIMEZONES):  # every zone an event may have
        exported = frab.zone_name(name)
        assert re.search(JSON_TIME_ZONE, exported), name
        if exported != name:
            zone, link = ZoneInfo(name), ZoneInfo(exported)
            assert [t.astimezone(zone).utcoffset() for t in instants] == [
                t.astimezone(link).utcoffset() for t in instants
            ], name


def test_frab_exports_name_a_us_zone_by_its_link(client):
    event = make_event(zone="US/Eastern")
    make_talk(event)

    assert get_json(client, event.slug)["schedule"]["conference"]["time_zone_name"] == (
        "America/New_York"
    )
    assert get_xml(client, event.slug).findtext("conference/time_zone_name") == "America/New_York"


def test_json_and_xml_say_the_same(client, demo_event):
    data = get_json(client)["schedule"]
    root = get_xml(client)

    assert root.findtext("version") == data["version"]
    json_talks = [
        (talk["guid"], talk["date"], talk["title"])
        for day in data["conference"]["days"]
        for talks in day["rooms"].values()
        for talk in talks
    ]
    xml_talks = [
        (event.get("guid"), event.findtext("date"), event.findtext("title"))
        for event in root.iter("event")
    ]
    assert xml_talks == json_talks


def test_guids_are_unique_and_stable(client):
    event = make_big_event(talks=30)

    def guids():
        data = get_json(client, event.slug)["schedule"]["conference"]
        talks = [
            talk["guid"]
            for day in data["days"]
            for talks in day["rooms"].values()
            for talk in talks
        ]
        rooms = [room["guid"] for room in data["rooms"]]
        return talks, rooms

    talks, rooms = guids()
    assert len(talks) == len(set(talks)) == 30
    assert len(rooms) == len(set(rooms)) == 3
    xml_guids = [e.get("guid") for e in get_xml(client, event.slug).iter("event")]
    assert xml_guids == talks

    talk = Talk.objects.get(slug="big-talk-4")
    edit(talk, title="Renamed", start=talk.start + dt.timedelta(minutes=2))
    for room in Room.objects.filter(event=event):
        room.name = f"Renamed {room.name}"
        room.save()

    assert guids() == (talks, rooms)


def test_frab_export_spans_days_and_rooms(client):
    event = make_big_event(talks=30, rooms=3, days=3)

    conference = get_json(client, event.slug)["schedule"]["conference"]

    assert conference["daysCount"] == 3
    assert [(d["index"], d["date"]) for d in conference["days"]] == [
        (1, "2030-07-01"),
        (2, "2030-07-02"),
        (3, "2030-07-03"),
    ]
    for day in conference["days"]:
        assert list(day["rooms"]) == ["Room " + r.name.split()[-1] for r in event.rooms.all()]
        for room_name, talks in day["rooms"].items():
            assert all(talk["room"] == room_name for talk in talks)
            assert all(talk["date"].startswith(day["date"]) for talk in talks)
    assert sum(len(t) for d in conference["days"] for t in d["rooms"].values()) == 30
    assert [day.get("index") for day in get_xml(client, event.slug).findall("day")] == [
        "1",
        "2",
        "3",
    ]


def test_frab_export_lists_published_talks_only(client, demo_event):
    edit(Talk.objects.get(slug="non-existent-designer"), state=Talk.State.CANCELLED)
    edit(Talk.objects.get(slug="neural-network-art-gallery"), state=Talk.State.DRAFT)

    [day] = get_json(client)["schedule"]["conference"]["days"]

    [published] = demo_frab_slugs()[:1]
    assert [talk["slug"] for talk in day["rooms"]["ML Art"]] == [published]
    assert [e.findtext("slug") for e in get_xml(client).iter("event")] == [published]


def test_xml_drops_characters_xml_cannot_carry(client):
    event = make_event()
    make_talk(event, title="Bell\x07 talk", abstract="Ring\x07ring")

    root = get_xml(client, event.slug)

    assert root.find(".//event/title").text == "Bell talk"
    assert root.find(".//event/abstract").text == "Ringring"


# ---------------------------------------------------------------------------
# Caching and conditional GET


@pytest.mark.parametrize("name", PUBLIC_FEEDS)
def test_unchanged_feed_answers_304(client, demo_event, name):
    url = feed_url(name)
    first = client.get(url)
    assert first["Cache-Control"] == "public, max-age=300"

    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]

    edit(Talk.objects.get(slug="non-existent-designer"), title="Changed")
    changed = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert changed.status_code == 200
    assert changed["ETag"] != first["ETag"]
    assert "Changed" in changed.content.decode()


def test_feeds_of_one_event_have_different_etags(client, demo_event):
    etags = {client.get(feed_url(name))["ETag"] for name in PUBLIC_FEEDS}
    assert len(etags) == 3


@pytest.mark.parametrize("name", PUBLIC_FEEDS)
def test_cached_feed_is_rebuilt_after_any_change(client, demo_event, name):
    url = feed_url(name)

    def body():
        return client.get(url).content.decode()

    assert "Roman Kosovichev" in body()
    talk = Talk.objects.get(slug="non-existent-designer")
    edit(talk, title="New title")
    assert "New title" in body()

    speaker = Speaker.objects.get(slug="roman-kosovichev")
    speaker.name = "Roman K."
    speaker.save()
    assert "Roman K." in body()

    room = Room.objects.get(event=demo_event)
    room.name = "Main stage"
    room.save()
    assert "Main stage" in body()

    talk.talk_speakers.all().delete()
    Talk.objects.filter(slug="neural-cellular-automata").delete()
    text = body()
    assert "Roman K." not in text
    assert "Neural Cellular Automata" not in text

    demo_event.name = "ML Art 2020"
    demo_event.save()
    assert "ML Art 2020" in body()


def test_cached_feed_costs_one_query(client, demo_event, django_assert_num_queries):
    url = feed_url("schedule:event-ics")
    first = client.get(url).content

    with django_assert_num_queries(1):  # the event, whose version names the cached body
        assert client.get(url).content == first


def test_talk_ics_query_count(client, demo_event, django_assert_num_queries):
    url = reverse("schedule:talk-ics", kwargs={"slug": SLUG, "talk": "neural-cellular-automata"})
    with django_assert_num_queries(3):  # talk with event, talk for_schedule, speakers
        first = client.get(url).content
    with django_assert_num_queries(1):  # the talk with its event, whose version names the body
        assert client.get(url).content == first


def test_event_in_utc_has_utc_times_and_no_vtimezone(client):
    event = make_event(zone="UTC")
    make_talk(event)

    body = client.get(feed_url("schedule:event-ics", event.slug)).content.decode()

    assert "DTSTART:20300601T100000Z" in body
    assert "VTIMEZONE" not in body


BUILD_QUERIES = {
    # event (with its version), talks (with rooms and events), speakers
    "schedule:event-ics": 3,
    # event, talks, speakers, rooms
    "schedule:event-xml": 4,
    "schedule:event-json": 4,
}


@pytest.mark.parametrize("name", PUBLIC_FEEDS)
def test_feed_query_count_does_not_grow_with_talks(
    client, demo_event, django_assert_num_queries, name
):
    big = make_big_event(talks=300)
    for slug in (SLUG, big.slug):
        with django_assert_num_queries(BUILD_QUERIES[name]):
            assert client.get(feed_url(name, slug)).status_code == 200


# ---------------------------------------------------------------------------
# Personal feed


def personal_url(user):
    return reverse("schedule:personal-ics", kwargs={"token": user.calendar_token})


def future_event(**fields):
    start = timezone.now() + dt.timedelta(hours=2)
    event = make_event(start=start, end=start + dt.timedelta(hours=3), **fields)
    room = make_room(event)
    make_talk(event, room, title="Future talk")
    return event, room


def test_personal_feed_lists_talks_of_confirmed_events_only(client, demo_event, user):
    other_user = make_user()
    waitlisted = make_event(name="Waitlisted")
    make_talk(waitlisted, title="Waitlisted talk")
    cancelled = make_event(name="Cancelled")
    make_talk(cancelled, title="Cancelled registration talk")
    not_mine = make_event(name="Not mine")
    make_talk(not_mine, title="Somebody else's talk")
    unpublished = make_event(name="Unpublished", is_published=False)
    make_talk(unpublished, title="Unpublished talk")
    make_registration(user, demo_event)
    make_registration(user, waitlisted, Registration.Status.WAITLISTED)
    make_registration(user, cancelled, Registration.Status.CANCELLED)
    make_registration(user, unpublished)
    make_registration(other_user, not_mine)

    calendar = get_ics(client, personal_url(user))

    assert sorted(str(e["SUMMARY"]) for e in vevents(calendar)) == sorted(
        demo_event.talks.values_list("title", flat=True)
    )


def test_personal_feed_uses_the_same_uids_as_the_public_feed(client, demo_event, user):
    make_registration(user, demo_event)

    personal = [str(e["UID"]) for e in vevents(get_ics(client, personal_url(user)))]
    public = [str(e["UID"]) for e in vevents(get_ics(client, feed_url("schedule:event-ics")))]

    assert personal == public


def test_personal_feed_has_no_join_url_before_the_reveal(client, user):
    event, room = future_event(access_reveal_minutes=30)
    make_registration(user, event)

    response = client.get(personal_url(user))

    body = response.content.decode()
    assert "Future talk" in body
    assert room.join_url not in body
    assert room.join_instructions not in body
    assert "CONFERENCE" not in body


def test_personal_feed_has_join_url_and_instructions_after_the_reveal(client, user):
    event, room = future_event(access_reveal_minutes=180)
    make_registration(user, event)

    [vevent] = vevents(get_ics(client, personal_url(user)))

    description = str(vevent["DESCRIPTION"])
    assert description.startswith(f"Join: {room.join_url}\n{room.join_instructions}")
    assert str(vevent["CONFERENCE"]) == room.join_url
    assert vevent["CONFERENCE"].params["LABEL"] == room.name
    assert str(vevent["LOCATION"]) == room.name
    assert str(vevent["URL"]).endswith(f"/events/{event.slug}/talks/{event.talks.get().slug}/")


def test_personal_feed_has_no_join_url_for_a_cancelled_talk(client, user):
    event, room = future_event(access_reveal_minutes=180)
    edit(event.talks.get(), state=Talk.State.CANCELLED)
    make_registration(user, event)

    [vevent] = vevents(get_ics(client, personal_url(user)))

    assert str(vevent["STATUS"]) == "CANCELLED"
    assert room.join_url not in vevent.to_ical().decode()


def test_personal_feed_of_unverified_user_has_no_join_url(client):
    user = make_user(verified=False)
    event, room = future_event(access_reveal_minutes=180)
    make_registration(user, event)

    body = client.get(personal_url(user)).content.decode()

    assert "Future talk" in body
    assert room.join_url not in body


def test_personal_feed_reveals_per_event(client, user):
    revealed, open_room = future_event(access_reveal_minutes=180)
    hidden, closed_room = future_event(access_reveal_minutes=10)
    make_registration(user, revealed)
    make_registration(user, hidden)

    body = client.get(personal_url(user)).content.decode()

    assert open_room.join_url in body
    assert closed_room.join_url not in body
    assert closed_room.join_instructions not in body


def test_personal_feed_is_private_and_answers_304(client, demo_event, user):
    make_registration(user, demo_event)
    url = personal_url(user)

    response = client.get(url)
    assert set(response["Cache-Control"].split(", ")) == {"private", "no-cache"}
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    again = client.get(url, headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304


def test_personal_feed_of_unknown_token_is_404(client, user):
    assert client.get("/calendar/not-a-real-token.ics").status_code == 404


def test_personal_feed_of_inactive_user_is_404(client, user):
    user.is_active = False
    user.save()
    assert client.get(personal_url(user)).status_code == 404


def test_personal_feed_without_registrations_is_an_empty_calendar(client, user):
    calendar = get_ics(client, personal_url(user))
    assert vevents(calendar) == []


def test_personal_feed_query_count_does_not_grow_with_talks(
    client, demo_event, user, django_assert_num_queries
):
    big = make_big_event(talks=300)
    make_registration(user, demo_event)
    url = personal_url(user)
    # user, registrations with events, verified e-mail, talks, speakers
    with django_assert_num_queries(5):
        assert len(vevents(icalendar.Calendar.from_ical(client.get(url).content))) == 3
    make_registration(user, big)
    with django_assert_num_queries(5):
        assert len(vevents(icalendar.Calendar.from_ical(client.get(url).content))) == 303


# ---------------------------------------------------------------------------
# Resetting the personal feed's address


def test_reset_token_makes_the_old_url_404(client, demo_event, user):
    make_registration(user, demo_event)
    old_url = personal_url(user)
    assert client.get(old_url).status_code == 200
    client.force_login(user)

    response = client.post(reverse("accounts:calendar-reset"), {"next": "/speakers/x/"})

    assert response.status_code == 302
    assert response["Location"] == "/speakers/x/"
    user.refresh_from_db()
    assert client.get(old_url).status_code == 404
    assert len(vevents(get_ics(client, personal_url(user)))) == 3


def test_reset_token_ignores_an_offsite_next(client, user):
    client.force_login(user)
    response = client.post(reverse("accounts:calendar-reset"), {"next": "https://evil.example/"})
    assert response["Location"] == reverse("accounts:profile")


def test_reset_token_needs_sign_in_post_and_csrf(user):
    token = user.calendar_token
    url = reverse("accounts:calendar-reset")

    anonymous = Client().post(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("account_login"))

    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403

    user.refresh_from_db()
    assert user.calendar_token == token


def test_calendar_feed_panel_shows_the_feed_url_and_reset_form(user):
    request = RequestFactory().get("/accounts/profile/")
    request.user = user

    html = render_to_string(
        "includes/calendar_feed_panel.html", {"user": user, "request": request}, request=request
    )

    feed = f"testserver/calendar/{user.calendar_token}.ics"
    assert f'value="http://{feed}"' in html
    assert f'href="webcal://{feed}"' in html
    assert f'action="{reverse("accounts:calendar-reset")}"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="next" value="/accounts/profile/"' in html
