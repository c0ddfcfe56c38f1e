"""Favicon and web manifest, speaker link chips, the demo's links and tagline, README."""

import datetime as dt
import json
from pathlib import Path

import pytest
from django.conf import settings

from schedule.demo import STREAM_URL, coming_saturday, load_demo
from schedule.models import Speaker
from tests.factories import make_event, make_speaker, make_talk

pytestmark = pytest.mark.django_db


def test_favicon_ico_answers_with_the_icon_not_404(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith(".png")
    assert "favicon-32" in response["Location"]


def test_every_page_links_the_icons_and_the_manifest(client):
    page = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/img/favicon' in page
    assert 'type="image/svg+xml"' in page
    assert 'type="image/png" sizes="32x32"' in page
    assert '<link rel="manifest" href="/manifest.webmanifest">' in page


def test_web_manifest_names_the_site_and_its_icons(client):
    response = client.get("/manifest.webmanifest")
    assert response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "Eventsite"
    assert [icon["sizes"] for icon in manifest["icons"]] == ["any", "192x192", "512x512"]
    for icon in manifest["icons"]:
        name = icon["src"].removeprefix(settings.STATIC_URL)
        assert (Path(settings.BASE_DIR) / "static" / name).is_file(), name


def test_manifest_speaks_the_pages_language(client):
    manifest = json.loads(client.get("/manifest.webmanifest", HTTP_ACCEPT_LANGUAGE="ru").content)
    assert manifest["lang"] == "ru"


def test_speaker_link_chips_have_one_capitalisation(client):
    ada = make_speaker(
        slug="ada",
        website="https://ada.example/",
        twitter="https://twitter.com/ada",
        mastodon="https://mastodon.social/@ada",
        github="https://github.com/ada",
        linkedin="https://linkedin.com/in/ada",
    )
    make_talk(make_event(), speakers=[ada])  # a speaker page needs a published talk
    labels = [str(label) for label, _ in Speaker.objects.get(slug="ada").links]
    assert labels == ["Website", "X", "Mastodon", "GitHub", "LinkedIn"]
    page = client.get("/speakers/ada/").content.decode()
    assert ">Website</a>" in page and ">X</a>" in page and ">Mastodon</a>" in page


def test_speaker_link_chips_are_translatable():
    from django.utils.functional import Promise

    assert all(isinstance(label, Promise) for label in Speaker.LINK_LABELS.values())
    assert set(Speaker.LINK_LABELS) == set(Speaker.LINK_FIELDS)


def test_demo_stream_and_teaser_are_the_seeds_and_distinct():
    event, _ = load_demo()
    assert event.stream_url == STREAM_URL == "https://www.youtube.com/watch?v=othTjSowvqY"
    assert event.trailer_url == ""
    teasers = set(event.talks.exclude(teaser_url="").values_list("teaser_url", flat=True))
    assert teasers == {"https://youtu.be/zRje8tRjcz8"}


@pytest.mark.parametrize("day", [dt.date(2020, 9, 19), coming_saturday(dt.date(2026, 11, 28))])
def test_demo_tagline_reads_right_at_any_date(day):
    event, _ = load_demo(day)
    assert "2020" not in event.tagline
    assert " live at " not in event.tagline


def test_readme_names_the_demo_speakers_private_emails():
    from schedule.demo import DATAVIZ_SPEAKERS, SPEAKERS

    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    for speaker in [*SPEAKERS, *DATAVIZ_SPEAKERS]:
        assert f"`{speaker['email']}`" in readme, speaker["email"]
