"""Budgets and freshness of the public pages: constant queries, nothing stale, nothing shared.

The user-independent parts of the event pages are ``{% cache %}`` fragments keyed on
``Programme.key``: the event's version (schedule/versions.py), the markers' moment,
the viewer's zones and the language. Everything about the viewer renders per request.
A visitor without a session gets whole pages from the cache, at most
``ANONYMOUS_PAGE_SECONDS`` old; anyone with a session sees an edit at once.
"""

import datetime as dt
import pickle
import re

import pytest
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from schedule.demo import coming_saturday, load_demo
from schedule.models import Event, Speaker, Talk, TalkSpeaker
from schedule.views.public import ANONYMOUS_PAGE_SECONDS
from tests.factories import (
    make_big_event,
    make_event,
    make_registration,
    make_room,
    make_speaker,
    make_talk,
    make_user,
)

pytestmark = pytest.mark.django_db

LANDING = "/events/ml-art-datafest-2020/"
SCHEDULE = "/events/ml-art-datafest-2020/schedule/"
TALK = "/events/ml-art-datafest-2020/talks/neural-network-art-gallery/"

# Cold: the event; its talks (with rooms); their speakers; the event's rooms in order.
# Warm: the event only, whose version names the cached fragments.
COLD, WARM = 4, 1
# A signed-in visitor adds one: the user, with their speaker profile and whether
# their e-mail is verified (accounts.backends). The join panel adds the
# registration, read from the database on every request, and the rooms once the
# join links show.
SIGNED_IN, JOIN_PANEL, ROOMS = 1, 1, 1
# A talk page reads its questions on every render (tests/schedule/test_questions.py).
QUESTIONS = 1


def pages_of(event):
    return [event.get_absolute_url(), reverse("schedule:event-schedule", args=[event.slug])]


def stored_fragments() -> str:
    """Everything in the page cache, as text (local memory in the tests)."""
    store = caches["pages"]._cache
    return " ".join(pickle.loads(value).__str__() for value in store.values())


@pytest.fixture
def big_event(db):
    return make_big_event()  # 300 talks, 3 rooms, 300 speakers


@pytest.fixture
def visitor(db):
    """A browser with a session (signed in): it never gets a whole page from the cache."""
    browser = Client()
    browser.force_login(make_user("visitor@example.com"))
    return browser


# --- Query budgets -------------------------------------------------------------------


@pytest.mark.parametrize("size", ["demo", "big"])
@pytest.mark.parametrize("page", ["landing", "schedule"])
def test_event_pages_take_constant_queries(
    client, visitor, demo_event, big_event, django_assert_num_queries, size, page
):
    event = demo_event if size == "demo" else big_event
    url = pages_of(event)[0 if page == "landing" else 1]
    with django_assert_num_queries(COLD):
        response = client.get(url)
    assert response.content.decode().count(f'href="/events/{event.slug}/talks/') >= 3
    with django_assert_num_queries(0):  # the whole page, for a visitor without a session
        assert client.get(url).content == response.content
    # The fragments, for everyone else; the big event is ahead: its landing has a join panel.
    join_panel = JOIN_PANEL if (size, page) == ("big", "landing") else 0
    with django_assert_num_queries(SIGNED_IN + WARM + join_panel):
        visitor.get(url)


@pytest.mark.parametrize("size", ["demo", "big"])
def test_schedule_for_a_signed_in_user_takes_constant_queries(
    client, demo_event, big_event, django_assert_num_queries, size
):
    event = demo_event if size == "demo" else big_event
    client.force_login(make_user(timezone="Asia/Tokyo"))
    url = pages_of(event)[1]
    with django_assert_num_queries(SIGNED_IN + COLD):
        client.get(url)
    with django_assert_num_queries(SIGNED_IN + WARM):
        page = client.get(url).content.decode()
    assert "in Tokyo)" in page and "Sign out" in page


@pytest.mark.parametrize("size", ["demo", "big"])
def test_schedule_with_viewer_zone_takes_constant_queries(
    client, demo_event, big_event, django_assert_num_queries, size
):
    event = demo_event if size == "demo" else big_event
    client.cookies["tz"] = "America/New_York"
    with django_assert_num_queries(COLD):
        page = client.get(pages_of(event)[1]).content.decode()
    assert "in New York)" in page
    with django_assert_num_queries(0):
        assert "in New York)" in client.get(pages_of(event)[1]).content.decode()


def test_big_schedule_lists_all_300_talks(client, big_event):
    page = client.get(pages_of(big_event)[1]).content.decode()
    assert page.count('<article class="slot') == 300
    assert page.count('class="schedule-day"') == 3


@pytest.mark.parametrize("size", ["demo", "big"])
def test_landing_for_a_registered_user_takes_constant_queries(
    client, demo_event, big_event, django_assert_num_queries, monkeypatch, size
):
    event = demo_event if size == "demo" else big_event
    monkeypatch.setattr("django.utils.timezone.now", lambda: event.start)  # links shown
    user = make_user()
    make_registration(user, event)
    client.force_login(user)
    client.get(event.get_absolute_url())  # the fragments
    with django_assert_num_queries(SIGNED_IN + WARM + JOIN_PANEL + ROOMS):
        page = client.get(event.get_absolute_url()).content.decode()
    assert event.rooms.first().get_join_path() in page


def test_talk_and_speaker_pages_take_constant_queries(
    client, demo_event, django_assert_num_queries
):
    # The event; the talk with its room; its speakers; its questions.
    with django_assert_num_queries(3 + QUESTIONS):
        client.get(TALK)
    with django_assert_num_queries(2):  # the speaker; their public talks with events
        client.get("/speakers/yuri-viazovetskyi/")
    with django_assert_num_queries(0):
        client.get(TALK)
        client.get("/speakers/yuri-viazovetskyi/")
    client.force_login(make_user())
    # The event and the talk; its article is cached; a past event has no join panel.
    with django_assert_num_queries(SIGNED_IN + 2 + QUESTIONS):
        client.get(TALK)
    with django_assert_num_queries(SIGNED_IN + 2):
        page = client.get("/speakers/yuri-viazovetskyi/").content.decode()
    assert "Yuri" in page and "Sign out" in page


def test_talk_page_asks_for_up_next_only_near_the_event(
    client, demo_event, django_assert_num_queries, monkeypatch
):
    talk = demo_event.talks.get(slug="neural-network-art-gallery")
    monkeypatch.setattr("django.utils.timezone.now", lambda: talk.start - dt.timedelta(hours=3))
    # ...and whether an earlier talk comes first.
    with django_assert_num_queries(3 + 1 + QUESTIONS):
        page = client.get(TALK).content.decode()
    assert "Up next" not in page  # the 16:00 and 17:00 talks come first
    first = "/events/ml-art-datafest-2020/talks/neural-cellular-automata/"
    assert "Up next" in client.get(first).content.decode()


def test_home_takes_one_query(client, demo_event, big_event, django_assert_num_queries):
    with django_assert_num_queries(1):
        page = client.get("/").content.decode()
    assert "Machine Learning Art" in page


# --- Whole pages for visitors without a session ----------------------------------------


def test_a_whole_page_is_kept_a_few_seconds_for_visitors_without_a_session(
    client, demo_event, monkeypatch
):
    import time

    assert "Neural Cellular Automata" in client.get(SCHEDULE).content.decode()
    Talk.objects.filter(slug="neural-cellular-automata").update(title="Renamed")
    Event.objects.filter(pk=demo_event.pk).bump_version()
    assert "Neural Cellular Automata" in client.get(SCHEDULE).content.decode()  # the copy
    later = time.time() + ANONYMOUS_PAGE_SECONDS + 1
    monkeypatch.setattr(time, "time", lambda: later)
    page = client.get(SCHEDULE).content.decode()
    assert "Renamed" in page and "Neural Cellular Automata" not in page


def test_whole_pages_are_not_kept_for_other_query_strings(
    client, demo_event, django_assert_num_queries
):
    client.get(SCHEDULE + "?utm=x")
    with django_assert_num_queries(WARM):  # the fragments only
        client.get(SCHEDULE + "?utm=x")


def test_a_page_that_used_a_csrf_token_is_never_kept_whole(rf, settings):
    """A form's token belongs to one browser: such a page is never shared."""
    from django.middleware.csrf import get_token

    from schedule.views.public import cached_for_anonymous

    @cached_for_anonymous
    def page_with_a_form(request):
        return HttpResponse(f"<form>{get_token(request)}</form>")

    request = rf.get("/a-page-with-a-form/")
    request.COOKIES = {}
    first = page_with_a_form(request).content
    second_request = rf.get("/a-page-with-a-form/")
    second_request.COOKIES = {}
    assert page_with_a_form(second_request).content != first
    assert not [key for key in caches["pages"]._cache if "a-page-with-a-form" in key]


# --- Freshness: an edit shows on the very next request -------------------------------


def warm(client, *urls):
    for url in urls:
        assert client.get(url).status_code == 200


def test_talk_edit_shows_at_once(visitor, demo_event):
    warm(visitor, LANDING, SCHEDULE, TALK, "/speakers/evgeny-kashin/")
    talk = demo_event.talks.get(slug="neural-network-art-gallery")
    talk.title = "A renamed gallery talk"
    talk.start += dt.timedelta(minutes=5)
    talk.end += dt.timedelta(minutes=5)
    talk.save()
    for url in (LANDING, SCHEDULE, TALK, "/speakers/evgeny-kashin/"):
        page = visitor.get(url).content.decode()
        assert "A renamed gallery talk" in page, url
        assert "18:05" in page, url


def test_room_edit_shows_at_once(visitor):
    event = make_event("roomy")
    room = make_room(event, name="Old room", description="Old description")
    make_talk(event, room)
    warm(visitor, event.get_absolute_url())
    room.name, room.description = "New room", "New description"
    room.save()
    page = visitor.get(event.get_absolute_url()).content.decode()
    assert "New room" in page and "New description" in page
    assert "Old room" not in page


def test_speaker_edit_shows_at_once_on_every_event_page(visitor, demo_event):
    warm(visitor, LANDING, SCHEDULE, TALK)
    speaker = Speaker.objects.get(slug="yuri-viazovetskyi")
    speaker.name = "Yuri V. Renamed"
    speaker.save()
    for url in (LANDING, SCHEDULE, TALK, speaker.get_absolute_url()):
        assert "Yuri V. Renamed" in visitor.get(url).content.decode(), url


def test_speaker_added_and_removed_shows_at_once(visitor, demo_event):
    warm(visitor, LANDING, TALK)
    talk = demo_event.talks.get(slug="neural-network-art-gallery")
    guest = make_speaker(name="Guest Star")
    link = TalkSpeaker.objects.create(talk=talk, speaker=guest, position=5)
    assert "Guest Star" in visitor.get(LANDING).content.decode()
    assert "Guest Star" in visitor.get(TALK).content.decode()
    link.delete()
    assert "Guest Star" not in visitor.get(LANDING).content.decode()


def test_deleted_speaker_and_talk_disappear_at_once(visitor, demo_event):
    warm(visitor, LANDING, TALK)
    Speaker.objects.get(slug="yuri-viazovetskyi").delete()
    assert "Yuri Viazovetskyi" not in visitor.get(LANDING).content.decode()
    demo_event.talks.get(slug="neural-network-art-gallery").delete()
    assert visitor.get(TALK).status_code == 404
    assert "The neural network art gallery" not in visitor.get(SCHEDULE).content.decode()


def test_unpublishing_an_event_hides_it_at_once(client, demo_event):
    client.force_login(make_user())
    warm(client, LANDING, SCHEDULE, TALK, "/events/ml-art-datafest-2020/schedule.json")
    demo_event.is_published = False
    demo_event.save()
    for url in (LANDING, SCHEDULE, TALK, "/events/ml-art-datafest-2020/schedule.json"):
        assert client.get(url).status_code == 404, url
    staff = Client()
    staff.force_login(make_user("staff@example.com", is_staff=True))
    assert "This event" in staff.get(SCHEDULE).content.decode()  # the preview banner


def test_event_edit_shows_at_once(visitor, demo_event):
    warm(visitor, LANDING)
    demo_event.stream_url = "https://stream.example/new"
    demo_event.save()
    assert "https://stream.example/new" in visitor.get(LANDING).content.decode()


def test_moving_a_talk_to_another_event_refreshes_both(visitor, demo_event):
    other = make_event("other", name="Other")
    room = make_room(other)
    warm(visitor, LANDING, other.get_absolute_url())
    talk = demo_event.talks.get(slug="neural-network-art-gallery")
    talk.event, talk.room = other, room
    talk.save()
    assert "The neural network art gallery" not in visitor.get(LANDING).content.decode()
    assert (
        "The neural network art gallery" in visitor.get(other.get_absolute_url()).content.decode()
    )


def test_live_marker_appears_when_a_talk_starts_without_any_edit(visitor, demo_event, monkeypatch):
    talk = demo_event.talks.get(slug="neural-cellular-automata")
    monkeypatch.setattr("django.utils.timezone.now", lambda: talk.start - dt.timedelta(minutes=1))
    assert "Live now" not in visitor.get(SCHEDULE).content.decode()
    monkeypatch.setattr("django.utils.timezone.now", lambda: talk.start + dt.timedelta(minutes=1))
    assert "Live now" in visitor.get(SCHEDULE).content.decode()


# --- The version ---------------------------------------------------------------------


def version(event):
    return Event.objects.values_list("version", flat=True).get(pk=event.pk)


@pytest.mark.parametrize(
    "change",
    [
        lambda event: event.save(),
        lambda event: event.rooms.first().save(),
        lambda event: event.talks.first().save(),
        lambda event: event.talks.first().delete(),
        lambda event: TalkSpeaker.objects.filter(talk__event=event).first().delete(),
        lambda event: Speaker.objects.get(slug="roman-kosovichev").save(),
        lambda event: make_talk(event, event.rooms.first(), state=Talk.State.DRAFT),
    ],
    ids=["event", "room", "talk", "talk-deleted", "speaker-link", "speaker", "talk-added"],
)
def test_version_grows_with_every_change_that_shows(demo_event, change):
    before = version(demo_event)
    change(demo_event)
    assert version(demo_event) > before


def test_version_stays_for_registrations_and_other_events(demo_event):
    before = version(demo_event)
    make_registration(make_user(), demo_event)
    other = make_event()
    make_talk(other)
    assert version(demo_event) == before


def test_a_rolled_back_change_rolls_its_version_back(demo_event):
    before = version(demo_event)
    with pytest.raises(RuntimeError), transaction.atomic():
        talk = demo_event.talks.first()
        talk.title = "Never saved"
        talk.save()
        raise RuntimeError
    assert version(demo_event) == before


def test_an_old_copy_of_the_event_never_writes_an_older_version(demo_event):
    stale = Event.objects.get(pk=demo_event.pk)
    before = stale.version
    demo_event.talks.first().save()  # version + 1 in the database
    stale.tagline = "Saved from an old copy"
    stale.save()
    assert stale.version == version(demo_event) == before + 2


def test_pages_are_right_after_the_cache_is_emptied(client, demo_event):
    warm(client, LANDING)
    caches["pages"].clear()
    assert "Machine Learning Art" in client.get(LANDING).content.decode()


# --- What is shared, and what is not -------------------------------------------------


@pytest.mark.parametrize("browser", ["anonymous", "signed-in"])
def test_each_viewer_zone_has_its_own_page_and_fragment(client, visitor, demo_event, browser):
    client = client if browser == "anonymous" else visitor
    client.cookies["tz"] = "America/New_York"
    assert "in New York" in client.get(SCHEDULE).content.decode()
    client.cookies["tz"] = "Asia/Tokyo"
    page = client.get(SCHEDULE).content.decode()
    assert "in Tokyo" in page and "in New York" not in page
    del client.cookies["tz"]
    assert "time-other" not in client.get(SCHEDULE).content.decode()


def test_unknown_zones_make_no_cache_entries_of_their_own(client, demo_event):
    client.get(SCHEDULE)
    keys = set(caches["pages"]._cache)
    for n in range(200):
        client.get(SCHEDULE, {"tz": f"Mars/Crater_{n}"})
        client.cookies["tz"] = f"Nowhere/{n}"
        client.get(SCHEDULE)
        del client.cookies["tz"]
    assert set(caches["pages"]._cache) == keys


def test_no_user_data_in_cached_fragments(client, demo_event, monkeypatch):
    monkeypatch.setattr("django.utils.timezone.now", lambda: demo_event.start)
    user = make_user("someone-private@example.com", display_name="Someone Private")
    make_registration(user, demo_event)
    client.force_login(user)
    mine = {url: client.get(url).content.decode() for url in (LANDING, SCHEDULE, TALK)}
    assert "spatial.chat" not in mine[SCHEDULE]  # the schedule has no join panel
    assert "/join/ml-art/" in mine[LANDING] and "/join/ml-art/" in mine[TALK]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', mine[LANDING]).group(1)
    stored = stored_fragments()
    assert stored, "the pages were cached"
    for private in ("someone-private", "Someone Private", "spatial.chat", "/join/", token):
        assert private not in stored
    client.logout()
    for url in (LANDING, SCHEDULE, TALK):
        page = client.get(url).content.decode()
        assert "someone-private" not in page
        assert "spatial.chat" not in page


@pytest.mark.parametrize("page", [LANDING, TALK])
def test_cached_pages_never_show_one_users_join_details_to_another(client, page):
    event, _ = load_demo(coming_saturday(dt.date.today()))
    registered = make_user("registered@example.com")
    make_registration(registered, event)
    secret = "Find the ML ART room in the room list!"
    anonymous_before = client.get(page).content.decode()
    member = Client()
    member.force_login(registered)
    mine = member.get(page).content.decode()
    other = Client()
    other.force_login(make_user("other@example.com"))
    theirs = other.get(page).content.decode()
    anonymous_after = client.get(page).content.decode()
    second_user = make_user("second@example.com")
    make_registration(second_user, event)
    second = Client()
    second.force_login(second_user)
    also_mine = second.get(page).content.decode()
    assert secret in mine and "/join/ml-art/" in mine
    assert secret in also_mine and "/join/ml-art/" in also_mine
    for seen in (anonymous_before, theirs, anonymous_after):
        assert secret not in seen and "/join/ml-art/" not in seen
    assert "Register" in theirs


def test_each_signed_in_page_has_its_own_working_csrf_token(demo_event):
    event, _ = load_demo(coming_saturday(dt.date.today()))
    others = Client()
    others.force_login(make_user())
    warm(others, event.get_absolute_url())
    user = make_user("strict@example.com")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    html = strict.get(event.get_absolute_url()).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = strict.post(
        f"/events/{event.slug}/register/", {"csrfmiddlewaretoken": token, "action": "register"}
    )
    assert response.status_code == 302
    assert event.registrations.filter(user=user).exists()


def test_a_speakers_website_is_shown_as_it_is_to_everyone(client, demo_event):
    """Nothing in a page is replaced per request: a text that looks like a token stays."""
    speaker = Speaker.objects.get(slug="yuri-viazovetskyi")
    speaker.website = "https://example.org/csrfmiddlewaretoken/placeholder0000"
    speaker.save()
    viewer = Client()
    viewer.force_login(make_user())
    page = viewer.get(speaker.get_absolute_url()).content.decode()
    assert 'href="https://example.org/csrfmiddlewaretoken/placeholder0000"' in page


def test_drafts_are_previewed_by_staff_only(client, demo_event):
    make_talk(demo_event, demo_event.rooms.first(), title="A secret draft", state="draft")
    staff = Client()
    staff.force_login(make_user("staff@example.com", is_staff=True))
    assert "A secret draft" in staff.get(SCHEDULE).content.decode()
    assert "A secret draft" not in client.get(SCHEDULE).content.decode()
    member = Client()
    member.force_login(make_user())
    assert "A secret draft" not in member.get(SCHEDULE).content.decode()


def test_messages_waiting_for_a_signed_in_user_are_shown(client, demo_event):
    client.force_login(make_user())
    warm(client, SCHEDULE)
    response = client.post("/accounts/calendar/reset/", {"next": SCHEDULE}, follow=True)
    assert response.redirect_chain[-1][0] == SCHEDULE
    assert "new address" in response.content.decode()
    assert "new address" not in client.get(SCHEDULE).content.decode()


def test_a_profile_only_its_owner_may_see_is_never_shown_to_others(client, demo_event):
    owner = make_user("hidden-speaker@example.com")
    make_speaker(name="Hidden Speaker", slug="hidden-speaker", user=owner)  # no public talk
    client.force_login(owner)
    assert "Hidden Speaker" in client.get("/speakers/hidden-speaker/").content.decode()
    other = Client()
    other.force_login(make_user("curious@example.com"))
    assert other.get("/speakers/hidden-speaker/").status_code == 404
    assert Client().get("/speakers/hidden-speaker/").status_code == 404


# --- Releases ------------------------------------------------------------------------


def test_the_page_cache_keys_name_the_release(settings):
    assert settings.RELEASE
    assert caches["pages"].make_key("x").startswith(f"pages:{settings.RELEASE}:")
    assert settings.CACHES["pages"]["KEY_PREFIX"] == f"pages:{settings.RELEASE}"


def test_release_digest_follows_the_sources(tmp_path):
    from eventsite.release import SOURCES, code_digest

    for name in SOURCES:
        (tmp_path / name).mkdir()
    (tmp_path / "templates" / "page.html").write_text("<p>one</p>")
    first = code_digest(tmp_path)
    assert code_digest(tmp_path) == first
    (tmp_path / "templates" / "page.html").write_text("<p>two</p>")
    second = code_digest(tmp_path)
    (tmp_path / "static" / "new.css").write_text("p {}")
    assert len({first, second, code_digest(tmp_path)}) == 3
