"""Budgets and freshness of the public pages: constant queries, no stale cache."""

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from schedule import cache as fragments
from schedule.demo import coming_saturday, load_demo
from schedule.models import Speaker, TalkSpeaker
from schedule.views.public import CSRF_PLACEHOLDER
from tests.factories import make_big_event, make_registration, make_speaker, make_user

pytestmark = pytest.mark.django_db

LANDING = "/events/ml-art-datafest-2020/"
SCHEDULE = "/events/ml-art-datafest-2020/schedule/"
TALK = "/events/ml-art-datafest-2020/talks/neural-network-art-gallery/"

# Cold: event, talks (+ rooms joined), speakers of the talks. Warm: none, the event
# comes from the cache too (schedule.cache.published_event); a visitor without
# cookies gets the whole page from the cache: no query.
COLD, WARM = 3, 0
WARM_ANONYMOUS = {"landing": 0, "schedule": 0}
# A signed-in user costs two queries on the first page view of a session: the
# user, joined with their speaker profile for the navigation (accounts.backends),
# and whether their e-mail is verified; then none while the user's copy stays in
# the cache (accounts.cached_auth).
SIGNED_IN_COLD, SIGNED_IN = 2, 0


def pages_of(event):
    return [event.get_absolute_url(), reverse("schedule:event-schedule", args=[event.slug])]


@pytest.fixture
def big_event(db):
    return make_big_event()  # 300 talks, 3 rooms, 300 speakers


@pytest.mark.parametrize("size", ["demo", "big"])
@pytest.mark.parametrize("page", ["landing", "schedule"])
def test_event_pages_take_constant_queries(
    client, demo_event, big_event, django_assert_num_queries, size, page
):
    event = demo_event if size == "demo" else big_event
    url = pages_of(event)[0 if page == "landing" else 1]
    with django_assert_num_queries(COLD):
        response = client.get(url)
    assert response.content.decode().count('href="/events/' + event.slug + "/talks/") >= 3
    with django_assert_num_queries(WARM_ANONYMOUS[page]):
        assert client.get(url).content == response.content


@pytest.mark.parametrize("size", ["demo", "big"])
def test_schedule_for_a_signed_in_user_takes_constant_queries(
    client, demo_event, big_event, django_assert_num_queries, size
):
    event = demo_event if size == "demo" else big_event
    client.force_login(make_user(timezone="Asia/Tokyo"))
    url = pages_of(event)[1]
    with django_assert_num_queries(SIGNED_IN_COLD + COLD):
        client.get(url)
    with django_assert_num_queries(SIGNED_IN + WARM):
        page = client.get(url).content.decode()
    assert "in Tokyo)" in page and "Sign out" in page


def test_whole_page_cache_is_not_served_to_signed_in_users(client, demo_event):
    client.get(SCHEDULE)
    client.force_login(make_user())
    page = client.get(SCHEDULE).content.decode()
    assert "Sign out" in page and "Sign in" not in page


def test_whole_page_cache_ignores_other_query_parameters(
    client, demo_event, django_assert_num_queries
):
    client.get(SCHEDULE + "?utm=x")
    with django_assert_num_queries(WARM):
        client.get(SCHEDULE + "?utm=x")


@pytest.mark.parametrize("size", ["demo", "big"])
def test_schedule_with_viewer_zone_takes_constant_queries(
    client, demo_event, big_event, django_assert_num_queries, size
):
    event = demo_event if size == "demo" else big_event
    client.cookies["tz"] = "America/New_York"
    with django_assert_num_queries(COLD):
        page = client.get(pages_of(event)[1]).content.decode()
    assert "in New York)" in page
    with django_assert_num_queries(WARM_ANONYMOUS["schedule"]):
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
    client.get(event.get_absolute_url())  # warm the fragments and the user's copy
    # The registration, always from the database; the verified flag travels with
    # the user's copy, the event and its rooms come from the cache.
    with django_assert_num_queries(SIGNED_IN + 1):
        page = client.get(event.get_absolute_url()).content.decode()
    assert event.rooms.first().get_join_path() in page


def test_talk_and_speaker_pages_take_constant_queries(
    client, demo_event, django_assert_num_queries
):
    with django_assert_num_queries(COLD):
        client.get(TALK)
    with django_assert_num_queries(0):  # the whole page, for a visitor without cookies
        client.get(TALK)
    with django_assert_num_queries(2):  # speaker, their talks
        client.get("/speakers/yuri-viazovetskyi/")
    with django_assert_num_queries(0):  # the whole page, for a visitor without cookies
        client.get("/speakers/yuri-viazovetskyi/")
    client.force_login(make_user())
    with django_assert_num_queries(SIGNED_IN_COLD + 1):  # the speaker; the body is cached
        client.get("/speakers/yuri-viazovetskyi/")
    with django_assert_num_queries(SIGNED_IN):  # a public profile: one page for all
        page = client.get("/speakers/yuri-viazovetskyi/").content.decode()
    assert "Yuri" in page and "Sign out" in page


def test_home_takes_one_query(client, demo_event, big_event, django_assert_num_queries):
    with django_assert_num_queries(1):
        page = client.get("/").content.decode()
    assert "Machine Learning Art" in page


# --- Freshness: an edit shows on the very next request ---------------------


def warm(client, *urls):
    for url in urls:
        assert client.get(url).status_code == 200


def test_talk_edit_shows_at_once(client, demo_event):
    warm(client, LANDING, SCHEDULE, TALK, "/speakers/evgeny-kashin/")
    talk = demo_event.talks.get(slug="neural-network-art-gallery")
    talk.title = "A renamed gallery talk"
    talk.start += dt.timedelta(minutes=5)
    talk.end += dt.timedelta(minutes=5)
    talk.save()
    for url in (LANDING, SCHEDULE, TALK, "/speakers/evgeny-kashin/"):
        page = client.get(url).content.decode()
        assert "A renamed gallery talk" in page, url
        assert "18:05" in page, url


def test_room_edit_shows_at_once(client):
    from tests.factories import make_event, make_room, make_talk

    event = make_event("roomy")
    room = make_room(event, name="Old room", description="Old description")
    make_talk(event, room)
    warm(client, event.get_absolute_url())
    room.name, room.description = "New room", "New description"
    room.save()
    page = client.get(event.get_absolute_url()).content.decode()
    assert "New room" in page and "New description" in page
    assert "Old room" not in page


def test_speaker_edit_shows_at_once_on_every_event_page(client, demo_event):
    warm(client, LANDING, SCHEDULE, TALK)
    speaker = Speaker.objects.get(slug="yuri-viazovetskyi")
    speaker.name = "Yuri V. Renamed"
    speaker.save()
    for url in (LANDING, SCHEDULE, TALK, speaker.get_absolute_url()):
        assert "Yuri V. Renamed" in client.get(url).content.decode(), url


def test_speaker_added_and_removed_shows_at_once(client, demo_event):
    warm(client, LANDING, TALK)
    talk = demo_event.talks.get(slug="neural-network-art-gallery")
    guest = make_speaker(name="Guest Star")
    link = TalkSpeaker.objects.create(talk=talk, speaker=guest, position=5)
    assert "Guest Star" in client.get(LANDING).content.decode()
    assert "Guest Star" in client.get(TALK).content.decode()
    link.delete()
    assert "Guest Star" not in client.get(LANDING).content.decode()


def test_deleted_speaker_and_talk_disappear_at_once(client, demo_event):
    warm(client, LANDING, TALK)
    Speaker.objects.get(slug="yuri-viazovetskyi").delete()
    assert "Yuri Viazovetskyi" not in client.get(LANDING).content.decode()
    demo_event.talks.get(slug="neural-network-art-gallery").delete()
    assert client.get(TALK).status_code == 404
    assert "The neural network art gallery" not in client.get(SCHEDULE).content.decode()


def test_unpublishing_an_event_hides_it_at_once(client, demo_event):
    warm(client, LANDING, SCHEDULE, TALK)
    demo_event.is_published = False
    demo_event.save()
    for url in (LANDING, SCHEDULE, TALK):
        assert client.get(url).status_code == 404


def test_event_edit_shows_at_once(client, demo_event):
    warm(client, LANDING)
    demo_event.stream_url = "https://stream.example/new"
    demo_event.save()
    assert "https://stream.example/new" in client.get(LANDING).content.decode()


def test_each_viewer_zone_has_its_own_fragment(client, demo_event):
    client.cookies["tz"] = "America/New_York"
    assert "in New York" in client.get(SCHEDULE).content.decode()
    client.cookies["tz"] = "Asia/Tokyo"
    page = client.get(SCHEDULE).content.decode()
    assert "in Tokyo" in page and "in New York" not in page
    del client.cookies["tz"]
    assert "time-other" not in client.get(SCHEDULE).content.decode()


def test_no_user_data_in_cached_fragments(client, demo_event):
    user = make_user("someone-private@example.com")
    make_registration(user, demo_event)
    client.force_login(user)
    warm(client, LANDING, SCHEDULE, TALK)
    client.logout()
    for url in (LANDING, SCHEDULE, TALK):
        page = client.get(url).content.decode()
        assert "someone-private" not in page
        assert "spatial.chat" not in page


def test_version_changes_only_on_a_change(demo_event):
    first = fragments.event_version(demo_event.pk)
    assert fragments.event_version(demo_event.pk) == first
    demo_event.talks.first().save()
    assert fragments.event_version(demo_event.pk) != first


def test_version_survives_a_cleared_cache_without_reusing_old_tokens(demo_event):
    from django.core.cache import cache

    first = fragments.event_version(demo_event.pk)
    cache.delete(f"schedule:version:event:{demo_event.pk}")
    assert fragments.event_version(demo_event.pk) != first


def test_a_bump_after_commit_is_scheduled(demo_event, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        demo_event.save()
    assert callbacks


def test_moving_a_talk_to_another_event_refreshes_both(client, demo_event):
    from tests.factories import make_event, make_room

    other = make_event("other", name="Other")
    room = make_room(other)
    warm(client, LANDING, other.get_absolute_url())
    talk = demo_event.talks.get(slug="neural-network-art-gallery")
    talk.event, talk.room = other, room
    talk.save()
    assert "The neural network art gallery" not in client.get(LANDING).content.decode()
    assert "The neural network art gallery" in client.get(other.get_absolute_url()).content.decode()


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
    also_mine = second.get(page).content.decode()  # after others filled the shared page
    assert secret in mine and "/join/ml-art/" in mine
    assert secret in also_mine and "/join/ml-art/" in also_mine
    for seen in (anonymous_before, theirs, anonymous_after):
        assert secret not in seen and "/join/ml-art/" not in seen
    assert "Register" in theirs


@pytest.mark.parametrize("page", [LANDING, TALK])
def test_register_from_a_shared_signed_in_page_passes_the_csrf_check(page):
    event, _ = load_demo(coming_saturday(dt.date.today()))
    warm_up = Client()
    warm_up.force_login(make_user())
    warm(warm_up, page)  # the shared page exists
    user = make_user("strict@example.com")
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(user)
    warm(strict, page)
    html = strict.get(page).content.decode()
    assert CSRF_PLACEHOLDER not in html
    response = strict.post(
        f"/events/{event.slug}/register/",
        {"csrfmiddlewaretoken": _csrf_token(html), "action": "register"},
    )
    assert response.status_code == 302
    assert event.registrations.filter(user=user).exists()


# ---------------------------------------------------------------------------
# The per-process memory tier (schedule.cache.local) and the cached event


def test_local_tier_is_a_bounded_lru():
    tier = fragments.LocalTier(3)
    for key in "abcd":
        tier.set(key, key.upper())
    assert len(tier) == 3 and tier.get("a") is None
    tier.get("b")  # b is now the most recent: c goes first
    tier.set("e", "E")
    assert tier.get("c") is None and tier.get("b") == "B"


def test_an_edit_on_another_app_server_shows_at_once(client, demo_event):
    """Pages are in this process's memory; another server's edit only replaces the
    version token in the shared cache (its signals ran there): no stale page here."""
    from django.core.cache import cache

    member = Client()
    member.force_login(make_user())
    for browser in (client, member):
        warm(browser, LANDING, SCHEDULE, TALK)
    assert len(fragments.local) > 0
    demo_event.talks.filter(slug="neural-network-art-gallery").update(title="Edited elsewhere")
    # What the other server's signal receivers did:
    cache.set_many(
        {
            f"schedule:version:event:{demo_event.pk}": "edited-elsewhere",
            fragments.SITE_VERSION_KEY: "edited-elsewhere",
        },
        None,
    )
    for browser in (client, member):
        for url in (LANDING, SCHEDULE, TALK):
            assert "Edited elsewhere" in browser.get(url).content.decode(), url


def test_cached_schedule_holds_no_signed_in_users_details(client, demo_event):
    alice = make_user("alice-private@example.com", display_name="Alice Private")
    make_registration(alice, demo_event)
    client.force_login(alice)
    mine = client.get(SCHEDULE).content.decode()
    assert "Sign out" in mine
    bob = Client()
    bob.force_login(make_user("bob@example.com"))
    theirs = bob.get(SCHEDULE).content.decode()
    assert "Sign out" in theirs and "alice" not in theirs.lower()
    stored = " ".join(str(value) for value in fragments.local._items.values())
    assert "alice" not in stored.lower()
    assert _csrf_token(mine) not in stored and _csrf_token(theirs) not in stored
    # The same page for both apart from the per-request header (its CSRF token).
    assert mine.split("<main")[1] == theirs.split("<main")[1]


def test_cached_event_is_not_served_after_unpublishing(client, demo_event):
    client.force_login(make_user())
    warm(client, LANDING, SCHEDULE, TALK, "/events/ml-art-datafest-2020/schedule.json")
    demo_event.is_published = False
    demo_event.save()
    for url in (LANDING, SCHEDULE, TALK, "/events/ml-art-datafest-2020/schedule.json"):
        assert client.get(url).status_code == 404, url
    staff = Client()
    staff.force_login(make_user("staff@example.com", is_staff=True))
    assert "This event" in staff.get(SCHEDULE).content.decode()  # the preview banner


def test_schedule_html_is_compacted_without_changing_the_text(client, demo_event):
    page = client.get(SCHEDULE).content.decode()
    main = page[page.index('<nav class="event-nav"') : page.index("</main>")]
    main = main.strip()
    assert "\n  " not in main and "\n\n" not in main
    assert fragments.compact_html("<p>\n    a\n\n  b</p>") == "<p>\na\nb</p>"
    assert fragments.compact_html("<pre>\n  code</pre>") == "<pre>\n  code</pre>"


def _csrf_token(page: str) -> str:
    import re

    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def test_signed_in_schedule_page_is_shared_but_the_header_is_each_users(client, demo_event):
    speaker_user = make_user("speaking@example.com")
    make_speaker(name="Spoken", user=speaker_user)
    client.force_login(speaker_user)
    as_speaker = client.get(SCHEDULE).content.decode()
    plain = Client()
    plain.force_login(make_user("plain@example.com"))
    first, second = plain.get(SCHEDULE), plain.get(SCHEDULE)
    assert "Speaker profile" in as_speaker
    assert "Speaker profile" not in first.content.decode()
    pages = (as_speaker, first.content.decode(), second.content.decode())
    tokens = {_csrf_token(page) for page in pages}
    assert len(tokens) == 3 and CSRF_PLACEHOLDER not in str(tokens)
    assert "private" in first["Cache-Control"]
    # The token put in works: signing out with it passes the CSRF check.
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(make_user("strict@example.com"))
    warm(strict, SCHEDULE)
    token = _csrf_token(strict.get(SCHEDULE).content.decode())
    assert strict.post("/accounts/logout/", {"csrfmiddlewaretoken": token}).status_code == 302
    assert "Sign in" in strict.get(SCHEDULE).content.decode()


def test_signed_in_schedule_page_shows_waiting_messages(client, demo_event):
    client.force_login(make_user())
    warm(client, SCHEDULE)
    response = client.post("/accounts/calendar/reset/", {"next": SCHEDULE}, follow=True)
    assert response.redirect_chain[-1][0] == SCHEDULE
    assert "new address" in response.content.decode()
    assert "new address" not in client.get(SCHEDULE).content.decode()


@pytest.fixture
def next_release(settings):
    """Start serving as another release (as after a deployment)."""

    def switch(name):
        settings.RELEASE = name
        fragments.release.cache_clear()

    yield switch
    fragments.release.cache_clear()  # the settings fixture restores RELEASE


def test_a_new_release_never_serves_the_previous_releases_pages(
    client, demo_event, next_release, django_assert_num_queries
):
    feed = "/events/ml-art-datafest-2020/schedule.json"
    warm(client, SCHEDULE, feed)
    with django_assert_num_queries(0):
        client.get(SCHEDULE)
        client.get(feed)
    next_release("next")
    # Rendered afresh by the new templates and code: the cold queries again.
    with django_assert_num_queries(COLD):
        assert "Neural Cellular Automata" in client.get(SCHEDULE).content.decode()
    with django_assert_num_queries(0):
        client.get(SCHEDULE)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as rebuilt:
        assert client.get(feed).status_code == 200
    assert len(rebuilt) > 0  # the feed body too is built again


def test_release_digest_follows_the_sources(settings, tmp_path):
    settings.RELEASE = ""
    fragments.release.cache_clear()
    try:
        assert fragments.release() == fragments.release()
        first = fragments.release()
        settings.BASE_DIR = tmp_path  # another checkout whose sources differ
        for name in fragments.RELEASE_SOURCES:
            (tmp_path / name).mkdir()
        (tmp_path / "templates" / "page.html").write_text("<p>one</p>")
        fragments.release.cache_clear()
        second = fragments.release()
        (tmp_path / "templates" / "page.html").write_text("<p>two</p>")
        fragments.release.cache_clear()
        assert len({first, second, fragments.release()}) == 3
    finally:
        fragments.release.cache_clear()


def test_a_profile_only_its_owner_may_see_is_never_shared(client, demo_event):
    owner = make_user("hidden-speaker@example.com")
    make_speaker(name="Hidden Speaker", slug="hidden-speaker", user=owner)  # no public talk
    curious = make_user("curious@example.com")
    make_speaker(name="Curious Speaker", slug="curious", user=curious)  # same navigation
    client.force_login(owner)
    warm(client, "/speakers/hidden-speaker/", "/speakers/hidden-speaker/")
    assert "Hidden Speaker" in client.get("/speakers/hidden-speaker/").content.decode()
    other = Client()
    other.force_login(curious)
    assert other.get("/speakers/hidden-speaker/").status_code == 404
    assert Client().get("/speakers/hidden-speaker/").status_code == 404
