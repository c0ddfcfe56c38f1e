"""Teams per event in the back office: an organiser of event A walks every admin URL
and sees or changes nothing of event B.

The URLs come from ``admin.site._registry``, so an admin class added later is walked
too, and a schedule model without a rule in ``schedule.teams`` fails here.
"""

import json

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.admin.models import LogEntry
from django.contrib.admin.utils import get_fields_from_path
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from schedule import teams
from schedule.admin_teams import EventScopedAdmin, EventScopedInline
from schedule.models import (
    Event,
    EventAuditLog,
    EventTeamMember,
    JoinClick,
    Registration,
    Room,
    Speaker,
    Talk,
    TalkSpeaker,
)
from tests.factories import (
    make_event,
    make_registration,
    make_room,
    make_speaker,
    make_talk,
    make_user,
)

pytestmark = pytest.mark.django_db

Role = EventTeamMember.Role

# Everything of event B that must never reach an organiser of event A.
B_SECRETS = [
    "Bravo Gala",
    "Bravo Hall",
    "https://video.example/bravo-secret",
    "Bravo whisper instructions",
    "Bravo Talk",
    "Bravo Speaker",
    "bravo-speaker@example.com",
    "bravo-attendee@example.com",
    "bravo-owner@example.com",
    "bravo log line",
]


@pytest.fixture
def world(db, staff_client_for):
    organisers = Group.objects.get(name="Organisers")

    def staff(email):
        person = make_user(email, is_staff=True)
        person.groups.add(organisers)
        return person

    alpha = make_event("alpha", name="Alpha Meetup", festival_name="Alpha Fest")
    alpha_room = make_room(alpha, name="Alpha Room", join_url="https://video.example/alpha")
    shared = make_speaker(name="Shared Speaker", email="shared@example.com")
    alpha_speaker = make_speaker(name="Alpha Speaker", email="alpha-speaker@example.com")
    alpha_talk = make_talk(alpha, alpha_room, title="Alpha Talk", speakers=[alpha_speaker, shared])
    alpha_registration = make_registration(make_user("alpha-attendee@example.com"), alpha)
    alpha_click = JoinClick.objects.create(user=alpha_registration.user, room=alpha_room)

    bravo = make_event("bravo", name="Bravo Gala", festival_name="Bravo Festival Zeta")
    bravo_room = make_room(
        bravo,
        name="Bravo Hall",
        join_url="https://video.example/bravo-secret",
        join_instructions="Bravo whisper instructions",
    )
    bravo_speaker = make_speaker(name="Bravo Speaker", email="bravo-speaker@example.com")
    bravo_talk = make_talk(bravo, bravo_room, title="Bravo Talk", speakers=[bravo_speaker, shared])
    bravo_registration = make_registration(make_user("bravo-attendee@example.com"), bravo)
    bravo_click = JoinClick.objects.create(user=bravo_registration.user, room=bravo_room)
    bravo_owner = staff("bravo-owner@example.com")
    bravo_member = EventTeamMember.objects.create(event=bravo, user=bravo_owner, role=Role.OWNER)
    bravo_log = EventAuditLog.objects.create(
        event=bravo, user=bravo_owner, action=EventAuditLog.Action.CAPACITY, detail="bravo log line"
    )

    alpha_owner = staff("alpha-owner@example.com")
    alpha_member = EventTeamMember.objects.create(event=alpha, user=alpha_owner, role=Role.OWNER)
    alpha_organiser = staff("alpha-organiser@example.com")
    EventTeamMember.objects.create(event=alpha, user=alpha_organiser, role=Role.ORGANISER)

    return {
        "alpha": {
            Event: alpha,
            Room: alpha_room,
            Talk: alpha_talk,
            Speaker: alpha_speaker,
            Registration: alpha_registration,
            JoinClick: alpha_click,
            EventTeamMember: alpha_member,
        },
        "bravo": {
            Event: bravo,
            Room: bravo_room,
            Talk: bravo_talk,
            Speaker: bravo_speaker,
            Registration: bravo_registration,
            JoinClick: bravo_click,
            EventTeamMember: bravo_member,
            EventAuditLog: bravo_log,
        },
        "shared": shared,
        "owner": alpha_owner,
        "organiser": alpha_organiser,
        "owner_client": staff_client_for(alpha_owner),
        "organiser_client": staff_client_for(alpha_organiser),
    }


def schedule_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if model._meta.app_label == "schedule"
    ]


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def assert_nothing_of_bravo(response, where):
    body = response.content.decode()
    leaked = [secret for secret in B_SECRETS if secret in body]
    assert not leaked, f"{where} shows {leaked}"


def snapshot():
    """What the database holds of event B, to compare after the attempts."""
    bravo = Event.objects.get(slug="bravo")
    querysets = [
        Event.objects.filter(pk=bravo.pk),
        Room.objects.filter(event=bravo),
        Talk.objects.filter(event=bravo),
        TalkSpeaker.objects.filter(talk__event=bravo),
        Speaker.objects.filter(name="Bravo Speaker"),
        Registration.objects.filter(event=bravo),
        JoinClick.objects.filter(room__event=bravo),
        EventTeamMember.objects.filter(event=bravo),
        EventAuditLog.objects.filter(event=bravo),
    ]
    rows = [list(queryset.order_by("pk").values()) for queryset in querysets]
    # The version names B's cached pages: a change of the shared speaker (by either
    # team) renews them, and that is right.
    rows[0][0].pop("version")
    return rows


# ---------------------------------------------------------------------------
# Every admin class follows the rule


def test_every_schedule_model_has_a_rule_in_teams():
    for model in apps.get_app_config("schedule").get_models():
        assert teams.is_scoped(model), f"schedule.teams has no rule for {model.__name__}"


def test_scope_refuses_a_model_it_does_not_know(world):
    with pytest.raises(LookupError):
        teams.scope(world["organiser"], LogEntry.objects.all())


@pytest.mark.parametrize(
    "model_admin", [ma for _, ma in schedule_admins()], ids=lambda ma: type(ma).__name__
)
def test_every_schedule_admin_class_is_scoped_by_team(model_admin):
    assert isinstance(model_admin, EventScopedAdmin)
    for inline in model_admin.inlines:
        if teams.is_scoped(inline.model):
            assert issubclass(inline, EventScopedInline), inline


# ---------------------------------------------------------------------------
# The walk


def list_urls():
    urls = []
    for model, model_admin in schedule_admins():
        changelist = admin_url(model, "changelist")
        urls += [changelist, changelist + "?q=a", changelist + "?q=Bravo"]
        for name in model_admin.list_filter:
            if isinstance(name, str) and get_fields_from_path(model, name)[-1].is_relation:
                urls.append(changelist + f"?{name}__id__exact=1")
        urls.append(admin_url(model, "add"))
    return urls


@pytest.mark.parametrize("who", ["organiser_client", "owner_client"])
def test_changelists_filters_search_and_add_pages_show_nothing_of_bravo(world, who):
    client = world[who]
    for url in list_urls():
        response = client.get(url)
        assert response.status_code in (200, 403), (url, response.status_code)
        assert_nothing_of_bravo(response, url)


def test_alphas_changelists_list_alphas_objects(world):
    client = world["organiser_client"]
    for model, obj in world["alpha"].items():
        if model is EventTeamMember:
            continue
        page = client.get(admin_url(model, "changelist")).content.decode()
        assert str(obj) in page or model is JoinClick, model
    page = client.get(admin_url(Speaker, "changelist")).content.decode()
    assert "Shared Speaker" in page
    assert "Alpha Speaker" in page


@pytest.mark.parametrize("view", ["change", "delete", "history"])
def test_bravos_objects_answer_404_to_alphas_team(world, view):
    for who in ("organiser_client", "owner_client"):
        for model, obj in world["bravo"].items():
            if model is EventTeamMember:
                continue
            response = world[who].get(admin_url(model, view, obj.pk))
            assert response.status_code == 404, (model, view, response.status_code)
            assert_nothing_of_bravo(response, f"{model.__name__} {view}")


@pytest.mark.parametrize("view", ["change", "history"])
def test_alphas_objects_open_without_bravos_data(world, view):
    client = world["organiser_client"]
    for model, obj in [*world["alpha"].items(), (Speaker, world["shared"])]:
        if model is EventTeamMember:
            continue
        response = client.get(admin_url(model, view, obj.pk))
        assert response.status_code == 200, (model, view)
        assert_nothing_of_bravo(response, f"{model.__name__} {view}")


def test_shared_speaker_page_lists_only_this_teams_talks(world):
    page = world["organiser_client"].get(admin_url(Speaker, "change", world["shared"].pk))
    body = page.content.decode()
    assert "Alpha Talk" in body
    assert "Bravo Talk" not in body


def autocomplete_requests():
    """Every autocomplete field of every admin class and inline: (model, field name)."""
    requests = []
    for model, model_admin in schedule_admins():
        for name in model_admin.autocomplete_fields:
            requests.append((model, name))
        for inline in model_admin.inlines:
            for name in inline.autocomplete_fields:
                requests.append((inline.model, name))
    return requests


def test_autocomplete_endpoints_answer_only_this_teams_objects(world):
    client = world["organiser_client"]
    walked = autocomplete_requests()
    assert {(Room, "event"), (Talk, "event"), (TalkSpeaker, "speaker")} <= set(walked)
    for model, field_name in walked:
        for term in ("", "a", "Bravo", "Shared"):
            response = client.get(
                "/admin/autocomplete/",
                {
                    "app_label": model._meta.app_label,
                    "model_name": model._meta.model_name,
                    "field_name": field_name,
                    "term": term,
                },
            )
            assert response.status_code == 200, (model, field_name)
            assert_nothing_of_bravo(response, f"autocomplete {model.__name__}.{field_name}")
    speakers = client.get(
        "/admin/autocomplete/",
        {"app_label": "schedule", "model_name": "talkspeaker", "field_name": "speaker", "term": ""},
    )
    names = {row["text"] for row in json.loads(speakers.content)["results"]}
    assert names == {"Alpha Speaker", "Shared Speaker"}


def test_actions_on_bravos_objects_change_nothing_and_export_nothing(world):
    client = world["owner_client"]
    before = snapshot()
    for model, model_admin in schedule_admins():
        obj = world["bravo"].get(model)
        if obj is None:
            continue
        request = type("Request", (), {"user": world["owner"], "GET": {}, "method": "GET"})()
        for action in model_admin.get_actions(request):
            for data in (
                {"action": action, "_selected_action": [obj.pk], "post": "yes"},
                {"action": action, "select_across": "1", "_selected_action": [obj.pk]},
            ):
                response = client.post(admin_url(model, "changelist"), data)
                assert response.status_code in (200, 302), (model, action)
                assert_nothing_of_bravo(response, f"action {action} on {model.__name__}")
    assert snapshot() == before


def test_csv_export_of_every_registration_holds_only_this_teams(world):
    response = world["organiser_client"].post(
        admin_url(Registration, "changelist"),
        {"action": "export_csv", "select_across": "1", "_selected_action": ["0"]},
    )
    body = response.content.decode()
    assert "alpha-attendee@example.com" in body
    assert_nothing_of_bravo(response, "CSV export")


def test_posts_to_bravos_objects_are_refused_and_change_nothing(world):
    client = world["owner_client"]
    before = snapshot()
    for model, obj in world["bravo"].items():
        if model is EventTeamMember:
            continue
        for view in ("change", "delete"):
            response = client.post(
                admin_url(model, view, obj.pk), {"name": "taken over", "post": "yes"}
            )
            assert response.status_code in (403, 404), (model, view, response.status_code)
    assert snapshot() == before


def test_adding_a_room_or_talk_to_bravo_is_a_form_error(world):
    client = world["owner_client"]
    bravo = world["bravo"][Event]
    response = client.post(
        admin_url(Room, "add"),
        {"event": bravo.pk, "name": "Intruder", "slug": "intruder", "position": 0},
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Room.objects.filter(slug="intruder").exists()


def test_alphas_talk_cannot_take_bravos_room_or_speaker(world):
    client = world["organiser_client"]
    talk = world["alpha"][Talk]
    page = client.get(admin_url(Talk, "change", talk.pk)).content.decode()
    assert "Bravo Hall" not in page
    assert_nothing_of_bravo(client.get(admin_url(Talk, "add")), "talk add")


def test_a_registration_cannot_be_moved_to_another_account_by_a_team(world):
    client = world["owner_client"]
    registration = world["alpha"][Registration]
    url = admin_url(Registration, "change", registration.pk)
    assert 'name="user"' not in client.get(url).content.decode()
    other = world["bravo"][Registration].user
    client.post(url, {"user": other.pk, "event": registration.event_id, "status": "confirmed"})
    registration.refresh_from_db()
    assert registration.user_id != other.pk
    assert client.get(admin_url(Registration, "add")).status_code == 403


def test_speaker_person_fields_are_read_only_for_teams(world):
    client = world["organiser_client"]
    shared = world["shared"]
    page = client.get(admin_url(Speaker, "change", shared.pk)).content.decode()
    assert 'name="email"' not in page
    assert "shared@example.com" in page  # shown, not editable
    data = {"name": "Shared Speaker", "slug": shared.slug, "email": "thief@example.com"}
    client.post(admin_url(Speaker, "change", shared.pk), data)
    shared.refresh_from_db()
    assert shared.email == "shared@example.com"


def test_superuser_sees_both_events(world, staff_client_for, superuser):
    client = staff_client_for(superuser)
    page = client.get(admin_url(Event, "changelist")).content.decode()
    assert "Alpha Meetup" in page
    assert "Bravo Gala" in page
    assert client.get(admin_url(Room, "change", world["bravo"][Room].pk)).status_code == 200


def test_organiser_without_a_team_sees_no_event(world, staff_client_for):
    loner = make_user("loner@example.com", is_staff=True)
    loner.groups.add(Group.objects.get(name="Organisers"))
    page = staff_client_for(loner).get(admin_url(Event, "changelist")).content.decode()
    assert "Alpha Meetup" not in page
    assert "Bravo Gala" not in page
    assert "0 events" in page


def _queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def test_team_changelists_take_as_many_queries_for_one_row_as_for_many(world):
    client = world["owner_client"]
    alpha = world["alpha"][Event]
    urls = [admin_url(model, "changelist") for model, _ in schedule_admins()]
    few = {url: _queries(client, url) for url in urls}
    for n in range(6):
        room = make_room(alpha, name=f"Extra room {n}")
        speaker = make_speaker(name=f"Extra speaker {n}")
        talk = make_talk(alpha, room, title=f"Extra talk {n}", speakers=[speaker, world["shared"]])
        registration = make_registration(make_user(f"extra{n}@example.com"), alpha)
        JoinClick.objects.create(user=registration.user, room=talk.room)
        EventAuditLog.objects.create(event=alpha, action=EventAuditLog.Action.TEAM, detail=f"x{n}")
    many = {url: _queries(client, url) for url in urls}
    assert many == few


def test_a_speaker_added_by_a_team_stays_visible_to_it_until_they_speak(world, staff_client_for):
    client = world["organiser_client"]
    response = client.post(
        admin_url(Speaker, "add"),
        {"name": "Newcomer Speaker", "slug": "newcomer", "email": "newcomer@example.com"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    newcomer = Speaker.objects.get(slug="newcomer")
    assert newcomer.email == "newcomer@example.com"  # a new speaker gets an address
    assert "Newcomer Speaker" in client.get(admin_url(Speaker, "changelist")).content.decode()
    bravo_client = staff_client_for(world["bravo"][EventTeamMember].user)
    assert bravo_client.get(admin_url(Speaker, "change", newcomer.pk)).status_code == 404
    # Once the speaker has a talk at Alpha, it is Alpha's: still hidden from Bravo.
    TalkSpeaker.objects.create(talk=world["alpha"][Talk], speaker=newcomer, position=5)
    assert client.get(admin_url(Speaker, "change", newcomer.pk)).status_code == 200
    assert bravo_client.get(admin_url(Speaker, "change", newcomer.pk)).status_code == 404
