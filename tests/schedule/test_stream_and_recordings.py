"""The stream while live and recordings afterwards, in place behind a click-to-load facade."""

import datetime as dt
import re

import pytest
from django.test import override_settings
from django.utils import timezone

from schedule.models import Talk
from tests.factories import make_event, make_room, make_talk

pytestmark = pytest.mark.django_db

STREAM = "https://www.youtube.com/watch?v=othTjSowvqY"
RECORDING = "https://youtu.be/zRje8tRjcz8"
NOCOOKIE = "https://www.youtube-nocookie.com/embed/"
# Hosts a page must never load from before the click (thumbnails, player scripts).
VIDEO_HOST = re.compile(r"""(src|srcset|poster)=["'][^"']*(ytimg|youtube|googlevideo)""")


def facades(html: str) -> list[str]:
    return re.findall(r'<div class="video-facade">.*?</div>', html, re.S)


@pytest.fixture
def live_event(db):
    """An event happening now: started an hour ago, one talk over, one on now."""
    now = timezone.now()
    event = make_event(
        "live-now",
        name="Live now",
        start=now - dt.timedelta(hours=1),
        end=now + dt.timedelta(hours=1),
        stream_url=STREAM,
        trailer_url="https://vimeo.com/1234",
    )
    room = make_room(event)
    make_talk(event, room, slug="done", title="Done talk", start=event.start, minutes=30,
              recording_url=RECORDING)  # fmt: skip
    make_talk(event, room, slug="now", title="Current talk", start=now - dt.timedelta(minutes=5))
    return event


def test_live_event_page_shows_the_stream_as_a_facade(client, live_event):
    html = client.get("/events/live-now/").content.decode()

    [facade] = facades(html)
    assert f'href="{STREAM}"' in facade
    assert f'data-embed="{NOCOOKIE}othTjSowvqY"' in facade
    assert 'src="/events/live-now/share.png"' in facade  # the poster is drawn here
    assert "Play the live stream" in facade
    assert "<iframe" not in html and not VIDEO_HOST.search(html)
    assert '<script src="/static/js/facade.js" defer></script>' in html
    # The trailer stays its own button.
    assert 'href="https://vimeo.com/1234" rel="noopener">Watch the trailer' in html


def test_event_page_before_and_after_shows_no_stream_player(client, demo_event):
    coming = make_event("coming", stream_url=STREAM, day=dt.date(2031, 1, 1))
    for event in (coming, demo_event):
        html = client.get(event.get_absolute_url()).content.decode()
        assert "Live stream" not in html and "data-embed" not in html, event.slug
    # Before, the stream is a link in "How to participate".
    assert f'href="{STREAM}"' in client.get(coming.get_absolute_url()).content.decode()


def test_talk_page_while_live_shows_the_stream(client, live_event):
    html = client.get("/events/live-now/talks/now/").content.decode()
    [facade] = facades(html)
    assert f'data-embed="{NOCOOKIE}othTjSowvqY"' in facade
    assert 'src="/events/live-now/talks/now/share.png"' in facade


def test_talk_page_after_the_talk_shows_its_recording(client, live_event):
    html = client.get("/events/live-now/talks/done/").content.decode()
    [facade] = facades(html)
    assert "Play the recording" in facade
    assert f'href="{RECORDING}"' in facade and f'data-embed="{NOCOOKIE}zRje8tRjcz8"' in facade
    assert ">Recording</h2>" in html


def test_recording_is_not_shown_before_the_talk_ends(client, live_event):
    Talk.objects.filter(slug="now").update(recording_url=RECORDING)
    html = client.get("/events/live-now/talks/now/").content.decode()
    assert "Play the recording" not in html
    assert "Play the live stream" in html


def test_past_event_page_has_a_recordings_section(client, demo_event):
    Talk.objects.filter(slug="non-existent-designer").update(recording_url=RECORDING)
    Talk.objects.filter(slug="neural-network-art-gallery").update(
        recording_url="https://vimeo.com/987654"
    )
    demo_event.save()  # a bulk update bumps no version

    html = client.get(demo_event.get_absolute_url()).content.decode()
    section = html[
        html.index('id="recordings-heading"') : html.index(
            "</section>", html.index('id="recordings-heading"')
        )
    ]
    assert ">Recordings</h2>" in html
    assert re.findall(r'<h3 class="recordings__title"><a [^>]+>([^<]+)</a>', section) == [
        "A non-existent designer with real satisfied customers",
        "The neural network art gallery",
    ]
    youtube, vimeo = facades(section)
    assert f'data-embed="{NOCOOKIE}zRje8tRjcz8"' in youtube
    # Another host: a plain link, no player.
    assert 'href="https://vimeo.com/987654"' in vimeo and "data-embed" not in vimeo
    assert "opens the video site" in vimeo


def test_event_without_recordings_has_no_recordings_section(client, demo_event):
    assert "recordings-heading" not in client.get(demo_event.get_absolute_url()).content.decode()


def test_csp_frames_only_the_privacy_enhanced_player(client, demo_event):
    csp = client.get(demo_event.get_absolute_url())["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in csp.split(";") if part.strip())
    assert directives["frame-src"] == "https://www.youtube-nocookie.com"
    assert "unsafe-inline" not in directives["script-src"]


@override_settings(LANGUAGE_CODE="en")
def test_russian_page_uses_the_russian_poster(client, live_event):
    html = client.get("/events/live-now/?lang=ru").content.decode()
    [facade] = facades(html)
    assert 'src="/events/live-now/share.png?lang=ru"' in facade
