"""The event's log and the owners' mail: join link, capacity and team changes made in
the admin are written down for the event's owners; the admin's history of each
object is open to its team."""

import pytest
from django import forms
from django.contrib.auth.models import Group
from django.urls import reverse

from schedule.models import Event, EventAuditLog, EventTeamMember, Room
from tests.factories import make_event, make_room, make_user

pytestmark = pytest.mark.django_db

Role = EventTeamMember.Role
Action = EventAuditLog.Action


@pytest.fixture
def team(db, staff_client_for):
    organisers = Group.objects.get(name="Organisers")
    event = make_event("gala", name="Gala", capacity=50)
    room = make_room(event, name="Hall", join_url="https://video.example/old-room")
    people = {}
    for email, role in [("owner@example.com", Role.OWNER), ("member@example.com", Role.ORGANISER)]:
        person = make_user(email, is_staff=True)
        person.groups.add(organisers)
        EventTeamMember.objects.create(event=event, user=person, role=role)
        people[role] = person
    return {
        "event": event,
        "room": room,
        "owner": people[Role.OWNER],
        "member": people[Role.ORGANISER],
        "owner_client": staff_client_for(people[Role.OWNER]),
        "member_client": staff_client_for(people[Role.ORGANISER]),
    }


def form_data(client, url):
    """What the admin's change form would post back unchanged (inline forms included)."""
    context = client.get(url).context
    data = {}
    form = context["adminform"].form
    for name, field in form.fields.items():
        value = form[name].value()
        if value is None or isinstance(field, forms.FileField):
            continue
        if isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        else:
            data[name] = value
    if "start" in form.fields:  # split date/time widgets post two values
        for name in ("start", "end", "registration_opens", "registration_closes"):
            value = form[name].value()
            data.pop(name, None)
            if value:
                data[f"{name}_0"], data[f"{name}_1"] = str(value).split(" ")[:2]
    for formset in context["inline_admin_formsets"]:
        management = formset.formset.management_form
        for name in management.fields:
            data[management.add_prefix(name)] = management[name].value()
        for inline_form in formset.formset.forms:
            for name in inline_form.fields:
                value = inline_form[name].value()
                if value is not None and value is not False:
                    data[inline_form.add_prefix(name)] = value
    return data


def test_a_changed_join_link_is_logged_and_mailed_to_owners_without_the_link(
    team, mailoutbox, django_capture_on_commit_callbacks, huey_immediate
):
    client = team["member_client"]
    url = reverse("admin:schedule_room_change", args=[team["room"].pk])
    data = form_data(client, url)
    data["join_url"] = "https://video.example/new-room"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]

    entry = EventAuditLog.objects.get(event=team["event"])
    assert entry.action == Action.JOIN_LINK
    assert entry.user == team["member"]
    assert "https://video.example/old-room" in entry.detail
    assert "https://video.example/new-room" in entry.detail

    assert [m.to for m in mailoutbox] == [["owner@example.com"]]
    message = mailoutbox[0]
    assert "Hall" in message.subject
    assert "member@example.com" in message.body
    assert "video.example" not in message.body  # no join link in any mail
    assert "/admin/schedule/eventauditlog/?event__id__exact=" in message.body


def test_a_room_saved_without_touching_the_link_is_not_logged(team, mailoutbox):
    client = team["owner_client"]
    url = reverse("admin:schedule_room_change", args=[team["room"].pk])
    data = form_data(client, url)
    data["name"] = "Big hall"
    assert client.post(url, data).status_code == 302
    assert not EventAuditLog.objects.exists()
    assert not mailoutbox


def test_capacity_and_inline_room_link_changes_on_the_event_page_are_logged(team):
    client = team["owner_client"]
    url = reverse("admin:schedule_event_change", args=[team["event"].pk])
    data = form_data(client, url)
    data["capacity"] = "80"
    data["rooms-0-join_instructions"] = "Use the side door"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    actions = set(EventAuditLog.objects.values_list("action", flat=True))
    assert actions == {Action.CAPACITY, Action.JOIN_LINK}
    capacity = EventAuditLog.objects.get(action=Action.CAPACITY)
    assert capacity.detail == "capacity changed from 50 to 80"


def test_owner_adds_a_team_member_by_email_and_it_is_logged(team):
    newcomer = make_user("newcomer@example.com", is_staff=True)
    client = team["owner_client"]
    url = reverse("admin:schedule_event_change", args=[team["event"].pk])
    data = form_data(client, url)
    total = int(data["team_members-TOTAL_FORMS"])
    data["team_members-TOTAL_FORMS"] = str(total + 1)
    data[f"team_members-{total}-email"] = "NEWCOMER@example.com"
    data[f"team_members-{total}-role"] = Role.ORGANISER
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert EventTeamMember.objects.filter(event=team["event"], user=newcomer).exists()
    entry = EventAuditLog.objects.get(action=Action.TEAM)
    assert entry.detail == "newcomer@example.com added as organiser"


def test_owner_cannot_add_an_unknown_address_or_the_same_person_twice(team):
    client = team["owner_client"]
    url = reverse("admin:schedule_event_change", args=[team["event"].pk])
    for email, message in [
        ("nobody@example.com", "There is no account with this e-mail address."),
        ("member@example.com", "This person is already on the team."),
    ]:
        data = form_data(client, url)
        total = int(data["team_members-TOTAL_FORMS"])
        data["team_members-TOTAL_FORMS"] = str(total + 1)
        data[f"team_members-{total}-email"] = email
        data[f"team_members-{total}-role"] = Role.ORGANISER
        response = client.post(url, data)
        assert response.status_code == 200
        assert message in response.content.decode()
    assert EventTeamMember.objects.filter(event=team["event"]).count() == 2


def test_an_organiser_sees_the_team_but_cannot_change_it(team):
    client = team["member_client"]
    url = reverse("admin:schedule_event_change", args=[team["event"].pk])
    page = client.get(url).content.decode()
    assert "owner@example.com" in page
    assert 'name="team_members-0-email"' not in page  # read-only
    data = form_data(client, url)
    data.update(
        {
            "team_members-TOTAL_FORMS": "1",
            "team_members-INITIAL_FORMS": "0",
            "team_members-0-email": "member@example.com",
            "team_members-0-role": Role.OWNER,
        }
    )
    client.post(url, data)
    assert EventTeamMember.objects.get(user=team["member"]).role == Role.ORGANISER
    assert not EventAuditLog.objects.filter(action=Action.TEAM).exists()


def test_the_log_is_for_owners_of_the_event(team, staff_client_for):
    other = make_event("other", name="Other")
    EventAuditLog.objects.create(event=other, action=Action.CAPACITY, detail="other event line")
    EventAuditLog.objects.create(event=team["event"], action=Action.CAPACITY, detail="gala line")
    changelist = reverse("admin:schedule_eventauditlog_changelist")
    page = team["owner_client"].get(changelist).content.decode()
    assert "gala line" in page
    assert "other event line" not in page
    assert team["member_client"].get(changelist).status_code == 403
    entry = EventAuditLog.objects.get(detail="gala line")
    change = team["owner_client"].get(
        reverse("admin:schedule_eventauditlog_change", args=[entry.pk])
    )
    assert change.status_code == 200
    assert 'name="detail"' not in change.content.decode()  # read-only


def test_an_organiser_creating_an_event_owns_it(team):
    client = team["member_client"]
    assert "team_members" not in client.get(reverse("admin:schedule_event_add")).content.decode()
    response = client.post(
        reverse("admin:schedule_event_add"),
        {
            "name": "Fresh",
            "slug": "fresh",
            "timezone": "Europe/Moscow",
            "start_0": "2031-01-10",
            "start_1": "10:00",
            "end_0": "2031-01-10",
            "end_1": "18:00",
            "access_reveal_minutes": "0",
            "rooms-TOTAL_FORMS": "0",
            "rooms-INITIAL_FORMS": "0",
            "talks-TOTAL_FORMS": "0",
            "talks-INITIAL_FORMS": "0",
            "team_members-TOTAL_FORMS": "0",
            "team_members-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    fresh = Event.objects.get(slug="fresh")
    assert EventTeamMember.objects.get(event=fresh).user == team["member"]
    assert EventTeamMember.objects.get(event=fresh).role == Role.OWNER
    page = client.get(reverse("admin:schedule_eventauditlog_changelist")).content.decode()
    assert "member@example.com created the event and owns it" in page


def test_the_team_sees_each_others_changes_in_an_objects_history(team):
    room = team["room"]
    url = reverse("admin:schedule_room_change", args=[room.pk])
    data = form_data(team["owner_client"], url)
    data["name"] = "Renamed by the owner"
    assert team["owner_client"].post(url, data).status_code == 302
    history = team["member_client"].get(reverse("admin:schedule_room_history", args=[room.pk]))
    page = history.content.decode()
    assert "owner@example.com" in page
    assert "Changed Name." in page
    assert Room.objects.get(pk=room.pk).name == "Renamed by the owner"
