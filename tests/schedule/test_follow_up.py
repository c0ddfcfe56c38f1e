"""The mail after an event ("Send the recording"): who gets it, once, and what it says."""

import datetime as dt

import pytest
from django.urls import reverse

from schedule.models import EventTeamMember, JoinClick, Message
from tests.factories import make_event, make_registration, make_room, make_talk, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def past():
    event = make_event("past", name="Past Meetup", day=dt.date(2020, 6, 1))
    room = make_room(event)
    make_talk(event, room, title="Recorded talk", recording_url="https://youtu.be/abcdefghijk")
    make_talk(event, room, title="Lost talk", start=event.start + dt.timedelta(hours=1))
    people = {}
    for name, status in [("came", "confirmed"), ("away", "confirmed"), ("wait", "waitlisted"),
                         ("gone", "cancelled")]:  # fmt: skip
        people[name] = make_user(f"{name}@example.com")
        make_registration(people[name], event, status)
    people["quiet"] = make_user("quiet@example.com", announcement_emails=False)
    make_registration(people["quiet"], event)
    JoinClick.objects.create(user=people["came"], room=room)
    # A click in another event's room does not count as opening this event's link.
    other = make_event("other", day=dt.date(2020, 5, 1))
    JoinClick.objects.create(user=people["away"], room=make_room(other))
    return event


def url(event):
    return reverse("admin:schedule_message_follow_up", args=[event.pk])


def test_the_action_leads_to_the_preview_and_sends_everyone_once(
    admin_client, past, deliver_outbox
):
    response = admin_client.post(
        reverse("admin:schedule_event_changelist"),
        {"action": "send_recording", "_selected_action": [past.pk]},
    )
    assert response["Location"] == url(past)
    assert "It goes to 2 people." in admin_client.get(url(past)).content.decode()

    html = admin_client.post(url(past), {"audience": "all", "preview": "1"}).content.decode()
    assert "https://youtu.be/abcdefghijk" in html and "Send to 2 people" in html
    assert not Message.objects.exists()

    admin_client.post(url(past), {"audience": "all", "send": "1"})
    admin_client.post(url(past), {"audience": "all", "send": "1"})  # twice: no doubles
    assert Message.objects.filter(kind="follow_up").count() == 2
    sent = deliver_outbox()
    assert sorted(m.to[0] for m in sent) == ["away@example.com", "came@example.com"]
    mail = sent[0]
    assert mail.subject == "[Eventsite] Recordings of Past Meetup"
    assert "Recorded talk" in mail.body and "https://youtu.be/abcdefghijk" in mail.body
    assert "Lost talk" not in mail.body
    assert mail.extra_headers["List-Unsubscribe"].startswith("<http")
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_only_those_who_never_opened_the_join_link(admin_client, past, deliver_outbox):
    html = admin_client.post(url(past), {"audience": "never_opened", "preview": "1"})
    assert "It goes to 1 person." in html.content.decode()
    admin_client.post(url(past), {"audience": "never_opened", "send": "1"})
    # Later, everyone: the one already written to is not written to again.
    admin_client.post(url(past), {"audience": "all", "send": "1"})
    sent = deliver_outbox()
    assert sorted(m.to[0] for m in sent) == ["away@example.com", "came@example.com"]


def test_opting_out_after_it_was_written_drops_the_mail(admin_client, past, deliver_outbox):
    admin_client.post(url(past), {"audience": "all", "send": "1"})
    from accounts.models import User

    User.objects.filter(email="away@example.com").update(announcement_emails=False)
    assert [m.to[0] for m in deliver_outbox()] == ["came@example.com"]
    assert Message.objects.get(to="away@example.com").state == "dropped"


def test_refused_before_the_end_or_without_recordings(admin_client):
    future = make_event("future")
    make_talk(future, recording_url="https://youtu.be/abcdefghijk")
    make_registration(make_user("p@example.com"), future)
    response = admin_client.post(url(future), {"audience": "all", "send": "1"})
    assert response.status_code == 200
    assert "The event is not over yet" in response.content.decode()
    bare = make_event("bare", day=dt.date(2020, 1, 1))
    make_talk(bare)
    response = admin_client.post(url(bare), {"audience": "all", "send": "1"})
    assert "No talk of this event has a recording yet" in response.content.decode()
    response = admin_client.post(url(bare), {"audience": "everyone", "send": "1"})
    assert "Select a valid choice" in response.content.decode()
    assert not Message.objects.exists()


def test_another_teams_event_is_refused(organiser, staff_client_for, past):
    mine = make_event("mine", day=dt.date(2020, 1, 1))
    EventTeamMember.objects.create(event=mine, user=organiser, role=EventTeamMember.Role.OWNER)
    client = staff_client_for(organiser)
    assert client.get(url(past)).status_code == 404
    assert client.post(url(past), {"audience": "all", "send": "1"}).status_code == 404
    assert not Message.objects.exists()
    assert client.get(url(mine)).status_code == 200
