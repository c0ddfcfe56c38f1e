"""The demo room's join URL and instructions appear only to a confirmed,
verified, signed-in person after the reveal time, on every URL of the site.

The URLs come from the URLconf (``get_resolver()``), so pages added later are
walked too; their parameters are filled from the demo data. The admin is left
out: staff may see private fields there.
"""

import datetime as dt
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from schedule.demo import JOIN_URL, coming_saturday, load_demo
from schedule.models import Registration, Speaker
from tests.factories import make_event, make_registration, make_room, make_user

pytestmark = pytest.mark.django_db

INSTRUCTIONS = "Find the ML ART room in the room list!"
SECRETS = [JOIN_URL, quote(JOIN_URL, safe=""), "spatial.chat/s/ods", INSTRUCTIONS]
EIGHT_DAYS = 8 * 24 * 60  # a reveal time that has come for an event within a week


def walk(patterns, names=(), params=(), namespace=""):
    """Yield (full URL name, parameter names) for every named URL pattern."""
    for entry in patterns:
        pattern = entry.pattern
        own = list(getattr(pattern, "converters", {}) or pattern.regex.groupindex)
        if isinstance(entry, URLResolver):
            if entry.app_name == "admin" or str(pattern).startswith("admin"):
                continue
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from walk(entry.url_patterns, names, (*params, *own), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", (*params, *own)


def values_for(name, param, event, user):
    if param == "slug":
        if "speaker" in name:
            return [*Speaker.objects.values_list("slug", flat=True), "nobody"]
        return [event.slug, "no-such-event"]
    if param == "talk":
        return [*event.talks.values_list("slug", flat=True), "no-such-talk"]
    if param == "room":
        return [*event.rooms.values_list("slug", flat=True), "no-such-room"]
    if param == "token":
        return [user.calendar_token if user else "x", "not-a-token"]
    return ["x", "1"]  # one of them fits a str, slug, path or int converter


def site_urls(event, user, unreachable=None):
    """Every URL of the site with its parameters filled in from the demo data."""
    urls = set()
    for name, params in walk(get_resolver().url_patterns):
        combos = [{}]
        for param in params:
            combos = [
                {**combo, param: value}
                for combo in combos
                for value in values_for(name, param, event, user)
            ]
        reversed_any = False
        for kwargs in combos:
            try:
                urls.add(reverse(name, kwargs=kwargs))
                reversed_any = True
            except NoReverseMatch:
                continue
        if not reversed_any and unreachable is not None:
            unreachable.append(name)
    return sorted(urls)


def leaks(response):
    """Where a secret shows up in a response: body, any header, the redirect target."""
    found = []
    body = response.content.decode(errors="replace") if not response.streaming else ""
    if response.streaming:
        body = b"".join(response.streaming_content).decode(errors="replace")
    for secret in SECRETS:
        if secret in body:
            found.append(("body", secret))
        for header, value in response.items():
            if secret in value:
                found.append((header, secret))
    return found


@pytest.fixture
def demo(db):
    event, _ = load_demo(coming_saturday(timezone.localdate()))
    event.access_reveal_minutes = EIGHT_DAYS
    event.save()
    return event


def anonymous(event):
    return None


def unverified(event):
    return make_user("unverified@example.com", verified=False)


def signed_in_unregistered(event):
    return make_user("plain@example.com")


def staff_unregistered(event):
    return make_user("staff@example.com", is_staff=True)


def registered_elsewhere(event):
    user = make_user("elsewhere@example.com")
    other = make_event("other", day=event.start.date(), access_reveal_minutes=0)
    make_room(other, slug="ml-art", join_url="https://video.example/other")
    make_registration(user, other)
    return user


def waitlisted(event):
    user = make_user("waiting@example.com")
    make_registration(user, event, status=Registration.Status.WAITLISTED)
    return user


def cancelled(event):
    user = make_user("cancelled@example.com")
    make_registration(user, event, status=Registration.Status.CANCELLED)
    return user


def confirmed_unverified(event):
    """Confirmed earlier, but the login address is not verified (changed since)."""
    user = make_user("changed@example.com", verified=False)
    make_registration(user, event)
    return user


def confirmed_before_reveal(event):
    event.access_reveal_minutes = 30
    event.save()
    user = make_user("early@example.com")
    make_registration(user, event)
    return user


REFUSED = [
    anonymous,
    unverified,
    signed_in_unregistered,
    staff_unregistered,
    registered_elsewhere,
    waitlisted,
    cancelled,
    confirmed_unverified,
    confirmed_before_reveal,
]


def visit_everything(client, event, user):
    """GET every URL, then POST the register form; yield (request, response)."""
    for url in site_urls(event, user):
        yield f"GET {url}", client.get(url)
    url = reverse("schedule:event-register", kwargs={"slug": event.slug})
    yield f"POST {url}", client.post(url)


@pytest.mark.parametrize("role", REFUSED, ids=lambda role: role.__name__)
def test_join_details_never_reach_people_without_access(demo, role):
    user = role(demo)
    client = Client()
    if user is not None:
        client.force_login(user)
    visited = []
    for request, response in visit_everything(client, demo, user):
        visited.append(request)
        assert response.status_code < 500, request
        assert leaks(response) == [], request
    join = reverse("schedule:room-join", kwargs={"slug": demo.slug, "room": "ml-art"})
    assert f"GET {join}" in visited
    assert f"GET {demo.get_absolute_url()}" in visited
    assert len(visited) > 30


@pytest.mark.parametrize("role", REFUSED, ids=lambda role: role.__name__)
def test_pages_cached_while_a_confirmed_person_browsed_leak_nothing(demo, role):
    """Pages are cached for every signed-in visitor (schedule.views.public): walk the
    site as a confirmed person first, so that every shared entry exists, then as
    someone without access."""
    confirmed = make_user("first-visitor@example.com")
    make_registration(confirmed, demo)
    first = Client()
    first.force_login(confirmed)
    seen = [leaks(response) for _, response in visit_everything(first, demo, confirmed)]
    assert any(seen)
    user = role(demo)
    client = Client()
    if user is not None:
        client.force_login(user)
    for request, response in visit_everything(client, demo, user):
        assert response.status_code < 500, request
        assert leaks(response) == [], request


def test_confirmed_person_gets_the_details_and_only_in_private_responses(demo):
    user = make_user("confirmed@example.com")
    make_registration(user, demo)
    client = Client()
    client.force_login(user)
    seen = {}
    for request, response in visit_everything(client, demo, user):
        assert response.status_code < 500, request
        found = leaks(response)
        if found:
            seen[request] = found
            cache_control = response.get("Cache-Control", "")
            assert "private" in cache_control, request
            assert "public" not in cache_control, request
    join = reverse("schedule:room-join", kwargs={"slug": demo.slug, "room": "ml-art"})
    assert ("Location", JOIN_URL) in seen[f"GET {join}"]
    assert {where for where, _ in seen[f"GET {join}"]} == {"Location"}
    assert ("body", INSTRUCTIONS) in seen[f"GET {demo.get_absolute_url()}"]
    assert ("body", INSTRUCTIONS) in seen[f"GET {reverse('accounts:my-events')}"]
    # The personal calendar feed is authenticated by its token and carries the
    # link once revealed (calendar apps open it without the site's session).
    feed = reverse("schedule:personal-ics", kwargs={"token": user.calendar_token})
    assert ("body", JOIN_URL) in seen[f"GET {feed}"]
    # Elsewhere the URL itself goes out only as the redirect of the join view.
    for request, found in seen.items():
        if request not in (f"GET {join}", f"GET {feed}"):
            assert {secret for _, secret in found} == {INSTRUCTIONS}, request


def test_every_named_url_is_walked(demo):
    unreachable = []
    site_urls(demo, None, unreachable)
    assert unreachable == [], "teach values_for() how to fill these URLs"


def test_pages_with_the_join_panel_are_private_for_everyone(client, demo):
    for url in (demo.get_absolute_url(), f"/events/{demo.slug}/join/ml-art/"):
        response = client.get(url)
        assert "private" in response["Cache-Control"], url
        assert "Cookie" in response.get("Vary", ""), url


def test_revealed_before_start_only_at_the_reveal_time(client, demo):
    """One minute before the reveal: refused; at the reveal: allowed."""
    from schedule.access import room_access

    user = make_user()
    make_registration(user, demo)
    demo.access_reveal_minutes = 30
    demo.save()
    reveal = demo.start - dt.timedelta(minutes=30)
    assert not room_access(user, demo, now=reveal - dt.timedelta(minutes=1)).allowed
    assert room_access(user, demo, now=reveal).allowed
