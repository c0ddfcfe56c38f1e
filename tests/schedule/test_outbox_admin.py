"""The outbox in the admin, and "announce to registrants"."""

import pytest
from django.core import mail
from django.urls import reverse

from schedule.models import Message, Registration
from tests.factories import make_event, make_registration, make_user

pytestmark = pytest.mark.django_db
CHANGELIST = "admin:schedule_message_changelist"


def row(event, email, state="pending", kind="confirmed", **fields):
    user = make_user(email)
    return Message.objects.create(
        key=f"{kind}:{email}", kind=kind, state=state, user=user, to=email, event=event, **fields
    )


@pytest.fixture
def rows():
    one, two = make_event("one", name="Event One"), make_event("two", name="Event Two")
    return {
        "sent": row(one, "sent@example.com", "sent"),
        "failed": row(one, "failed@example.com", "failed", last_error="SMTP 550"),
        "reminder": row(two, "reminder@example.com", kind="reminder"),
    }


def listed(client, query=""):
    html = client.get(reverse(CHANGELIST) + query).content.decode()
    return {address for address in ("sent@", "failed@", "reminder@") if address in html}


def test_the_outbox_lists_and_filters_by_state_kind_event_and_searches(admin_client, rows):
    assert listed(admin_client) == {"sent@", "failed@", "reminder@"}
    assert listed(admin_client, "?state__exact=failed") == {"failed@"}
    assert listed(admin_client, "?kind__exact=reminder") == {"reminder@"}
    event = rows["sent"].event_id
    assert listed(admin_client, f"?event__id__exact={event}") == {"sent@", "failed@"}
    assert listed(admin_client, "?q=reminder%40example") == {"reminder@"}


def test_a_row_is_read_only(admin_client, rows):
    url = reverse("admin:schedule_message_change", args=[rows["failed"].pk])
    html = admin_client.get(url).content.decode()
    assert "SMTP 550" in html
    assert 'name="_save"' not in html
    admin_client.post(url, {"to": "attacker@example.com", "state": "sent"})
    assert Message.objects.get(pk=rows["failed"].pk).to == "failed@example.com"


def test_retry_puts_only_failed_rows_back_and_they_are_sent(admin_client, rows, deliver_outbox):
    Registration.objects.create(user=rows["failed"].user, event=rows["failed"].event)
    response = admin_client.post(
        reverse(CHANGELIST),
        {"action": "retry_failed", "_selected_action": [m.pk for m in rows.values()]},
        follow=True,
    )
    assert "1 failed mail will be sent again." in response.content.decode()
    states = dict(Message.objects.values_list("to", "state"))
    assert states["failed@example.com"] == "pending"
    assert states["sent@example.com"] == "sent"
    assert "failed@example.com" in [m.to[0] for m in deliver_outbox()]


def test_announce_previews_counts_and_sends_through_the_outbox(admin_client, deliver_outbox):
    event = make_event("meetup", name="The Meetup")
    for n, status in enumerate(["confirmed", "waitlisted", "cancelled"]):
        make_registration(make_user(f"p{n}@example.com"), event, status)
    quiet = make_user("quiet@example.com", announcement_emails=False)
    make_registration(quiet, event)

    response = admin_client.post(
        reverse("admin:schedule_event_changelist"),
        {"action": "announce", "_selected_action": [event.pk]},
    )
    url = reverse("admin:schedule_message_announce", args=[event.pk])
    assert response["Location"] == url
    html = admin_client.get(url).content.decode()
    assert "It goes to 2 people registered" in html

    text = {"subject": "Room change", "body": "We moved to the big hall."}
    html = admin_client.post(url, {**text, "preview": "1"}).content.decode()
    assert "We moved to the big hall." in html
    assert "Send to 2 people" in html
    # The CSP refuses inline styles: the preview wraps through the admin's stylesheet.
    assert 'class="announcement-preview mail-preview"' in html
    assert "admin-mailing" in html and 'style="' not in html
    assert not Message.objects.exists()

    admin_client.post(url, {**text, "send": "1"})
    assert Message.objects.filter(kind="announcement").count() == 2
    sent = deliver_outbox()
    assert sorted(m.to[0] for m in sent) == ["p0@example.com", "p1@example.com"]
    assert all(m.subject == "[Eventsite] Room change" for m in sent)
    assert "We moved to the big hall." in sent[0].body
    assert sent[0].extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_announce_refuses_an_empty_text(admin_client):
    event = make_event()
    url = reverse("admin:schedule_message_announce", args=[event.pk])
    response = admin_client.post(url, {"subject": "", "body": "", "send": "1"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Message.objects.exists()
    assert mail.outbox == []


def test_the_outbox_list_takes_the_same_queries_for_1_and_20_rows(admin_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(count):
        Message.objects.all().delete()
        event = make_event()
        for n in range(count):
            row(event, f"q{count}-{n}@example.com")
        with CaptureQueriesContext(connection) as captured:
            response = admin_client.get(reverse(CHANGELIST))
        assert response.content.decode().count("@example.com") >= count
        return len(captured)

    assert queries(1) == queries(20)


def test_an_organiser_sees_and_announces_only_for_their_own_events(
    organiser, staff_client_for, rows
):
    from schedule.models import EventTeamMember

    mine = rows["reminder"].event
    EventTeamMember.objects.create(event=mine, user=organiser, role=EventTeamMember.Role.OWNER)
    client = staff_client_for(organiser)
    assert listed(client) == {"reminder@"}
    other = rows["sent"].event
    url = reverse("admin:schedule_message_announce", args=[other.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"subject": "Hi", "body": "Spam", "send": "1"}).status_code == 404
    assert not Message.objects.filter(kind="announcement").exists()
    own = reverse("admin:schedule_message_announce", args=[mine.pk])
    assert "It goes to" in client.get(own).content.decode()
