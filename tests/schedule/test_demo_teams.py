"""The demo's two tracks with their own teams (`make run` loads them): the ML Art
organiser sees and changes nothing of Data Visualisation through any admin URL."""

import pytest
from django.contrib.auth import get_user_model

from schedule.demo import DATAVIZ_JOIN_URL, DATAVIZ_SLUG, EVENT_SLUG, load_demo, load_demo_teams
from schedule.models import Event, EventTeamMember, Room, Speaker, Talk
from tests.schedule.test_admin_teams import admin_url, list_urls

pytestmark = pytest.mark.django_db

DATAVIZ_SECRETS = [
    "Data Visualisation",
    "DataViz",
    DATAVIZ_JOIN_URL,
    "Honest maps",
    "Paintings as data",
    "Maria Petrova",
    "maria.petrova@speakers.example",
    "dataviz-owner@eventsite.local",
]


@pytest.fixture
def demo_teams(settings):
    settings.DEBUG = True
    load_demo()
    load_demo_teams()


def test_demo_teams_load_once(settings):
    settings.DEBUG = True
    load_demo()
    _, logins, changes = load_demo_teams()
    assert changes > 0
    assert [login["email"] for login in logins] == [
        "ml-art-owner@eventsite.local",
        "dataviz-owner@eventsite.local",
    ]
    _, _, again = load_demo_teams()
    assert again == 0
    owners = EventTeamMember.objects.filter(role=EventTeamMember.Role.OWNER)
    assert {(m.event.slug, m.user.email) for m in owners} == {
        (EVENT_SLUG, "ml-art-owner@eventsite.local"),
        (DATAVIZ_SLUG, "dataviz-owner@eventsite.local"),
    }


def test_no_demo_accounts_without_debug(settings):
    settings.DEBUG = False
    load_demo()
    _, logins, _ = load_demo_teams()
    assert logins == []
    assert not get_user_model().objects.filter(email__endswith="@eventsite.local").exists()


def test_ml_art_organiser_sees_nothing_of_the_dataviz_track(demo_teams, staff_client_for):
    client = staff_client_for(get_user_model().objects.get(email="ml-art-owner@eventsite.local"))
    for url in list_urls():
        body = client.get(url).content.decode()
        leaked = [secret for secret in DATAVIZ_SECRETS if secret in body]
        assert not leaked, (url, leaked)
    dataviz = Event.objects.get(slug=DATAVIZ_SLUG)
    objects = [
        (Event, dataviz),
        (Room, dataviz.rooms.get()),
        *[(Talk, talk) for talk in dataviz.talks.all()],
        (Speaker, Speaker.objects.get(slug="maria-petrova")),
    ]
    for model, obj in objects:
        for view in ("change", "history", "delete"):
            assert client.get(admin_url(model, view, obj.pk)).status_code == 404, (model, view)
        assert client.post(admin_url(model, "change", obj.pk), {"name": "x"}).status_code == 404
    assert Room.objects.get(event=dataviz).join_url == DATAVIZ_JOIN_URL
    # The speaker of both tracks is visible to both teams.
    shared = Speaker.objects.get(slug="evgeny-kashin")
    page = client.get(admin_url(Speaker, "change", shared.pk)).content.decode()
    assert "The neural network art gallery" in page
    assert "Paintings as data" not in page
