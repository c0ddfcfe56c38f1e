"""The organiser figures of an event: after a scripted rush of registrations and join
clicks, the page and its CSV show what the test counts on its own from what it made."""

import csv
import datetime as dt
import io
import re
from collections import Counter, defaultdict
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from schedule.figures import events_visible_to
from schedule.models import (
    Event,
    EventTeamMember,
    JoinClick,
    Message,
    Question,
    Registration,
    Room,
    Talk,
)
from tests.factories import make_event, make_registration, make_room, make_talk, make_user

pytestmark = pytest.mark.django_db

MOSCOW = ZoneInfo("Europe/Moscow")
UTC = dt.UTC
STATUSES = (
    [Registration.Status.CONFIRMED] * 5
    + [Registration.Status.WAITLISTED] * 2
    + [Registration.Status.CANCELLED]
)


def url(event, csv_export=False):
    return f"/admin/schedule/event/{event.pk}/figures/" + ("?format=csv" if csv_export else "")


def msk(day, hour, minute=0):
    return dt.datetime(2020, 9, day, hour, minute, tzinfo=MOSCOW)


@pytest.fixture
def rush(demo_event):
    """Registrations over four days (some at night, when the UTC date differs), every
    status, and join clicks in two rooms before, during and between the talks.

    Returns what the test itself knows: the rows it made, in plain Python."""
    side_room = make_room(demo_event, "side", name="Side room")
    make_talk(demo_event, side_room, slug="side-talk", title="Side talk",
              start=msk(19, 16, 30), minutes=30)  # fmt: skip
    talks = {talk.slug: talk for talk in Talk.objects.filter(event=demo_event)}
    rooms = {room.slug: room for room in Room.objects.filter(event=demo_event)}

    made = {"registrations": [], "clicks": []}
    moments = [msk(16, 10), msk(17, 1, 30), msk(17, 23, 50), msk(18, 0, 10), msk(19, 15, 59)]
    for n in range(40):
        person = make_user(f"rush{n}@example.com", password=None)
        created = moments[n % len(moments)] + dt.timedelta(seconds=n)
        status = STATUSES[n % len(STATUSES)]
        make_registration(person, demo_event, status=status, created_at=created)
        made["registrations"].append((person, created, status))

    confirmed = [person for person, _, status in made["registrations"] if status == "confirmed"]
    # (room, time, the talk the click is meant for: None = outside every slot)
    plan = [
        ("ml-art", msk(19, 15, 50), "neural-cellular-automata"),  # 10 min early
        ("ml-art", msk(19, 16, 5), "neural-cellular-automata"),
        ("ml-art", msk(19, 17, 10), "non-existent-designer"),
        ("ml-art", msk(19, 18, 50), "neural-network-art-gallery"),  # in its Q&A
        ("ml-art", msk(19, 12, 0), None),  # hours before
        ("side", msk(19, 16, 40), "side-talk"),
        ("side", msk(19, 17, 30), None),  # after the side talk's end
    ]
    for index, person in enumerate(confirmed[:18]):
        for room, moment, talk in plan[index % len(plan) : index % len(plan) + 1 + index % 2]:
            JoinClick.objects.create(user=person, room=rooms[room], clicked_at=moment)
            made["clicks"].append((person, room, talk))

    # Mails in the outbox (kind, state) and questions (talk slug, answered).
    kinds = ["confirmed", "reminder", "reminder", "follow_up"]
    states = ["sent", "sent", "pending", "failed", "dropped", "sending"]
    made["mails"] = []
    for n, (person, _, _) in enumerate(made["registrations"]):
        kind, state = kinds[n % len(kinds)], states[n % len(states)]
        Message.objects.create(key=f"rush:{n}", kind=kind, state=state, user=person,
                               to=person.email, event=demo_event)  # fmt: skip
        made["mails"].append((kind, state))
    made["questions"] = []
    asked_in = ["neural-cellular-automata", "neural-cellular-automata", "side-talk"]
    for n, (person, _, _) in enumerate(made["registrations"][:15]):
        slug, answered = asked_in[n % len(asked_in)], n % 4 == 0
        Question.objects.create(talk=talks[slug], author=person, text=f"Why {n}?",
                                answered_at=msk(19, 18) if answered else None)  # fmt: skip
        made["questions"].append((slug, answered))

    # Another event's people, clicks, mails and questions must not count.
    other = make_event("other-event")
    other_room = make_room(other)
    other_talk = make_talk(other, other_room)
    for n in range(5):
        outsider = make_user(f"outsider{n}@example.com", password=None)
        make_registration(outsider, other, created_at=msk(17, 12))
        JoinClick.objects.create(user=outsider, room=other_room, clicked_at=msk(19, 16, 10))
        Message.objects.create(key=f"other:{n}", kind="reminder", state="sent", user=outsider,
                               to=outsider.email, event=other)  # fmt: skip
        Question.objects.create(talk=other_talk, author=outsider, text="Elsewhere?")
    made["talks"], made["rooms"] = talks, rooms
    return made


def table(html, heading_id):
    """{row label: [cells]} of the table in the section with that heading."""
    start = html.index(f'id="{heading_id}"')
    section = html[start : html.index("</section>", start)]
    rows = re.findall(r'<tr><th scope="row">(.*?)</th>(.*?)</tr>', section, re.S)
    return {label: re.findall(r"<td[^>]*>(.*?)</td>", cells) for label, cells in rows}


def test_figures_match_what_the_rush_made(client, superuser, rush):
    client.force_login(superuser)
    response = client.get(url(rush["talks"]["side-talk"].event))
    assert response.status_code == 200
    html = response.content.decode()

    # Registrations per day, in Moscow time (23:50 on the 17th is the 17th, 00:10 the 18th).
    per_day = Counter(created.astimezone(MOSCOW).date() for _, created, _ in rush["registrations"])
    running, expected_days = 0, {}
    for day in sorted(per_day):
        running += per_day[day]
        expected_days[day] = [str(per_day[day]), str(running)]
    shown_days = table(html, "registrations-heading")
    assert list(shown_days.values()) == list(expected_days.values())
    assert len(shown_days) == 4

    statuses = Counter(status for _, _, status in rush["registrations"])
    assert table(html, "statuses-heading") == {
        "Confirmed": [str(statuses["confirmed"])],
        "On the waitlist": [str(statuses["waitlisted"])],
        "Cancelled": [str(statuses["cancelled"])],
    }

    people, clicks = defaultdict(set), Counter()
    for person, room, _ in rush["clicks"]:
        people[room].add(person.pk)
        clicks[room] += 1
    assert table(html, "rooms-heading") == {
        "ML Art": [str(len(people["ml-art"])), str(clicks["ml-art"])],
        "Side room": [str(len(people["side"])), str(clicks["side"])],
    }

    slot_people, slot_clicks = defaultdict(set), Counter()
    for person, _, talk in rush["clicks"]:
        slot_people[talk].add(person.pk)
        slot_clicks[talk] += 1
    shown_slots = table(html, "slots-heading")
    talks = rush["talks"]
    for slug in ("neural-cellular-automata", "non-existent-designer", "neural-network-art-gallery",
                 "side-talk"):  # fmt: skip
        talk = talks[slug]
        [label] = [label for label in shown_slots if talk.title in label]
        assert shown_slots[label] == [str(len(slot_people[slug])), str(slot_clicks[slug])], slug
    assert shown_slots["Outside talk times"] == [
        str(len(slot_people[None])),
        str(slot_clicks[None]),
    ]

    confirmed = {person.pk for person, _, status in rush["registrations"] if status == "confirmed"}
    joined = confirmed & {person.pk for person, _, _ in rush["clicks"]}
    no_show = round(100 * (len(confirmed) - len(joined)) / len(confirmed), 1)
    assert table(html, "noshow-heading") == {
        "Confirmed registrations": [str(len(confirmed))],
        "Confirmed who opened a join link": [str(len(joined))],
        "No-show rate": [f"{no_show} %"],
    }
    # Mails per kind and state, from what the rush put in the outbox.
    mails = Counter(rush["mails"])
    labels = dict(Message.Kind.choices)
    assert table(html, "mail-heading") == {
        str(labels[kind]): [
            str(mails[kind, "sent"]),
            str(mails[kind, "pending"] + mails[kind, "sending"]),
            str(mails[kind, "failed"]),
            str(mails[kind, "dropped"]),
        ]
        for kind in ("confirmed", "reminder", "follow_up")
    }

    asked = Counter(slug for slug, _ in rush["questions"])
    answered = Counter(slug for slug, done in rush["questions"] if done)
    shown_questions = table(html, "questions-heading")
    for slug in ("neural-cellular-automata", "non-existent-designer", "side-talk"):
        assert shown_questions[talks[slug].title] == [str(asked[slug]), str(answered[slug])]
    assert shown_questions["All talks"] == [
        str(len(rush["questions"])),
        str(sum(answered.values())),
    ]

    # Charts drawn on the server: an SVG per figure with a title, a bar per status.
    assert html.count('role="img"') == 6
    status_svg = html[
        html.index('id="status-chart-title"') : html.index(
            "</svg>", html.index('id="status-chart-title"')
        )
    ]
    assert status_svg.count("<rect") == 3
    assert "<script" not in html[html.index('id="content-main"') :]


def test_csv_has_the_same_numbers(client, superuser, rush):
    client.force_login(superuser)
    event = rush["talks"]["side-talk"].event
    response = client.get(url(event, csv_export=True))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "private" in response["Cache-Control"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["figure", "label", "value", "clicks or total"]
    by_figure = defaultdict(dict)
    for figure, label, value, extra in rows[1:]:
        by_figure[figure][label] = (value, extra)
    statuses = Counter(status for _, _, status in rush["registrations"])
    assert by_figure["registration status"]["Confirmed"] == (str(statuses["confirmed"]), "")
    assert sum(int(v) for v, _ in by_figure["registrations per day"].values()) == 40
    assert by_figure["registrations per day"]["2020-09-18"][0] == "8"  # 00:10 MSK, 21:10 UTC
    assert by_figure["confirmed registrations"][""] == (str(statuses["confirmed"]), "")
    mails = Counter(rush["mails"])
    assert by_figure["mails sent"]["Reminder"] == (str(mails["reminder", "sent"]), "")
    assert by_figure["mails failed"]["Reminder"] == (str(mails["reminder", "failed"]), "")
    side = rush["talks"]["side-talk"].title
    asked = sum(1 for slug, _ in rush["questions"] if slug == "side-talk")
    answered = sum(1 for slug, done in rush["questions"] if slug == "side-talk" and done)
    assert by_figure["questions asked, answered"][side] == (str(asked), str(answered))


def test_figures_take_constant_queries(client, superuser, demo_event, rush):
    client.force_login(superuser)
    empty = make_event("empty-event")
    make_talk(empty)
    with CaptureQueriesContext(connection) as small:
        client.get(url(empty))
    with CaptureQueriesContext(connection) as large:
        client.get(url(demo_event))
    # The user (the session comes from the cache) and their second factor, the
    # admin's menu (does this user run any event), then the event, registrations per
    # day, statuses, rooms, talks, join clicks, confirmed and joined, mails, questions.
    assert len(small) == len(large) == 12, [q["sql"] for q in large.captured_queries]


def test_anonymous_and_non_staff_are_sent_to_sign_in(client, demo_event, user):
    assert client.get(url(demo_event)).status_code == 302
    client.force_login(user)
    response = client.get(url(demo_event))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_team_sees_its_events_figures_and_no_other(client, organiser, demo_event):
    other = make_event("other-team-event")
    client.force_login(organiser)
    assert client.get(url(demo_event)).status_code == 404  # staff, but on no team

    EventTeamMember.objects.create(event=demo_event, user=organiser)
    assert client.get(url(demo_event)).status_code == 200
    assert client.get(url(other)).status_code == 404
    assert client.get(url(other, csv_export=True)).status_code == 404
    assert client.get("/admin/schedule/event/999999/figures/").status_code == 404


def test_events_visible_to_is_the_teams_rule(superuser, organiser, user, demo_event):
    other = make_event("other-team-event")
    EventTeamMember.objects.create(event=other, user=organiser)
    assert set(events_visible_to(superuser)) == set(Event.objects.all())
    assert list(events_visible_to(organiser)) == [other]
    assert list(events_visible_to(user)) == []


def test_event_change_form_links_to_its_figures(client, superuser, demo_event):
    client.force_login(superuser)
    html = client.get(f"/admin/schedule/event/{demo_event.pk}/change/").content.decode()
    assert f'href="{url(demo_event)}"' in html
