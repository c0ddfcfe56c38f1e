"""Account pages: allauth's pages in the site's layout, profile, "My events"."""

import datetime as dt
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from schedule.models import Registration
from tests.factories import PASSWORD, make_event, make_registration, make_room, make_user

pytestmark = pytest.mark.django_db


class FormAudit(HTMLParser):
    """Collects input ids and label targets, and whether the site header is there."""

    def __init__(self):
        super().__init__()
        self.inputs, self.labels, self.brand = [], set(), False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("input", "select", "textarea") and attrs.get("type") not in (
            "hidden",
            "submit",
        ):
            self.inputs.append(attrs.get("id"))
        if tag == "label":
            self.labels.add(attrs.get("for"))
        if tag == "a" and attrs.get("class") == "brand":
            self.brand = True


def audit(html):
    parser = FormAudit()
    parser.feed(html)
    return parser


def heading_of(html):
    """The text of the page's <h1>, whitespace collapsed."""
    import re

    match = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S)
    return " ".join(match.group(1).split()) if match else None


ANONYMOUS_PAGES = [
    ("account_login", "Sign in"),
    ("account_signup", "Sign up"),
    ("account_reset_password", "Reset your password"),
    ("account_reset_password_done", "Check your e-mail"),
    ("account_email_verification_sent", "Verify your e-mail address"),
    ("account_inactive", "Account Inactive"),
]
SIGNED_IN_PAGES = [
    ("account_logout", "Do you want to sign out?"),
    ("account_email", "Change your e-mail address"),
    ("account_change_password", "Change your password"),
    ("accounts:profile", "Your profile"),
    ("accounts:my-events", "Your events"),
]


@pytest.mark.parametrize(("name", "heading"), ANONYMOUS_PAGES)
def test_anonymous_account_pages_use_the_site_layout_with_labels(client, name, heading):
    html = client.get(reverse(name)).content.decode()
    assert heading_of(html) == heading
    page = audit(html)
    assert page.brand, "the site's header is missing"
    assert all(input_id in page.labels for input_id in page.inputs), (page.inputs, page.labels)


@pytest.mark.parametrize(("name", "heading"), SIGNED_IN_PAGES)
def test_signed_in_account_pages_use_the_site_layout_with_labels(client, user, name, heading):
    client.force_login(user)
    response = client.get(reverse(name))
    html = response.content.decode()
    assert heading in html
    page = audit(html)
    assert page.brand
    assert all(input_id in page.labels for input_id in page.inputs), (page.inputs, page.labels)


def test_confirm_email_with_a_bad_key_explains(client):
    html = client.get("/accounts/confirm-email/nonsense/").content.decode()
    assert "This confirmation link has expired or is invalid" in html


def test_password_reset_with_a_bad_key_explains(client, user):
    html = client.get("/accounts/password/reset/key/1-bad-key/", follow=True).content.decode()
    assert "This link no longer works" in html


def test_sign_up_errors_are_clear(client):
    response = client.post(
        "/accounts/signup/", {"email": "not-an-address", "password1": "a", "password2": "b"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "field--error" in html
    assert "Enter a valid email address." in html
    assert 'aria-invalid="true"' in html


def test_login_keeps_next_in_the_sign_up_link_and_redirects_there(client, user):
    html = client.get("/accounts/login/?next=/events/x/").content.decode()
    assert 'href="/accounts/signup/?next=%2Fevents%2Fx%2F"' in html
    assert 'name="next" value="/events/x/"' in html
    response = client.post(
        "/accounts/login/", {"login": user.email, "password": PASSWORD, "next": "/events/x/"}
    )
    assert response["Location"] == "/events/x/"


def test_login_ignores_next_to_another_site(client, user):
    response = client.post(
        "/accounts/login/",
        {"login": user.email, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def test_logout_needs_post(client, user):
    client.force_login(user)
    client.get("/accounts/logout/")
    assert "_auth_user_id" in client.session
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session


def test_nav_shows_my_events_and_profile_when_signed_in(client, user):
    assert "My events" not in client.get("/").content.decode()
    client.force_login(user)
    html = client.get("/").content.decode()
    assert f'href="{reverse("accounts:my-events")}"' in html
    assert f'href="{reverse("accounts:profile")}"' in html


# --- profile ------------------------------------------------------------------


def test_profile_needs_sign_in(client):
    response = client.get(reverse("accounts:profile"))
    assert response["Location"] == "/accounts/login/?next=/accounts/profile/"


def test_profile_saves_name_and_zone(client, user):
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"), {"display_name": "Ada L.", "timezone": "Europe/Berlin"}
    )
    assert response["Location"] == reverse("accounts:profile")
    user.refresh_from_db()
    assert (user.display_name, user.timezone) == ("Ada L.", "Europe/Berlin")
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "Your profile is saved." in html
    assert '<option value="Europe/Berlin" selected>' in html
    assert "no-store" in client.get(reverse("accounts:profile"))["Cache-Control"]


def test_profile_rejects_an_unknown_zone_with_a_message(client, user):
    client.force_login(user)
    response = client.post(
        reverse("accounts:profile"), {"display_name": "", "timezone": "Mars/Olympus"}
    )
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert User.objects.get(pk=user.pk).timezone == ""


def test_profile_zone_can_be_cleared(client):
    user = make_user(timezone="Asia/Tokyo")
    client.force_login(user)
    client.post(reverse("accounts:profile"), {"display_name": "", "timezone": ""})
    user.refresh_from_db()
    assert user.timezone == ""


def test_profile_suggests_the_browser_zone(client, user):
    client.force_login(user)
    client.cookies["tz"] = "America/Chicago"
    html = client.get(reverse("accounts:profile")).content.decode()
    assert '<option value="America/Chicago" selected>' in html


def test_profile_lists_every_common_zone(client, user):
    import pytz

    client.force_login(user)
    html = client.get(reverse("accounts:profile")).content.decode()
    zone_select = html[
        html.index('name="timezone"') : html.index("</select>", html.index('name="timezone"'))
    ]
    assert zone_select.count("<option value=") == len(pytz.common_timezones) + 1


# --- my events ----------------------------------------------------------------


def test_my_events_lists_status_and_links_only_when_revealed(client, django_assert_num_queries):
    user = make_user(timezone="Asia/Tokyo")
    now = timezone.now()
    later = make_event("later", name="Later", day=(now + dt.timedelta(days=5)).date())
    later.access_reveal_minutes = 30
    later.save()
    make_room(later, slug="r", join_instructions="Later instructions")
    start = now - dt.timedelta(minutes=5)
    live = make_event("live", name="Live now", start=start, end=start + dt.timedelta(hours=1))
    make_room(live, slug="r", join_instructions="Live instructions")
    full = make_event("full", name="Full", day=(now + dt.timedelta(days=6)).date())
    gone = make_event("gone", name="Gone", day=dt.date(2020, 1, 1))
    make_registration(user, later)
    make_registration(user, live)
    make_registration(user, full, status=Registration.Status.WAITLISTED)
    make_registration(user, gone)
    client.force_login(user)
    response = client.get(reverse("accounts:my-events"))
    html = response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    upcoming, past = html.split("<h2>Past</h2>")
    assert [name in upcoming for name in ("Later", "Live now", "Full")] == [True] * 3
    assert "Gone" in past and "Gone" not in upcoming
    assert "Live instructions" in upcoming
    assert "/events/live/join/r/" in upcoming
    assert "Later instructions" not in html
    assert "The link appears 30 minutes before the start" in upcoming
    assert "You are on the waitlist" in upcoming
    assert "Leave the waitlist" in upcoming
    assert "your time" in upcoming  # Tokyo differs from Moscow
    assert "Cancel registration" not in past


def test_my_events_query_count_does_not_grow(client, django_assert_num_queries):
    user = make_user()
    client.force_login(user)

    def add(n):
        for _ in range(n):
            event = make_event()
            make_room(event)
            make_registration(user, event)

    add(1)
    # the user (with their speaker profile and verified flag: accounts.backends),
    # registrations with their events, rooms of those events
    with django_assert_num_queries(3) as small:
        client.get(reverse("accounts:my-events"))
    add(5)
    with django_assert_num_queries(len(small.captured_queries)):
        client.get(reverse("accounts:my-events"))


def test_my_events_needs_sign_in(client):
    response = client.get(reverse("accounts:my-events"))
    assert response["Location"] == "/accounts/login/?next=/accounts/events/"


class LayoutAudit(HTMLParser):
    """The landmarks of the site's layout (templates/base.html) in a page."""

    def __init__(self):
        super().__init__()
        self.found = set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html" and attrs.get("lang"):
            self.found.add("lang")
        if tag == "a" and attrs.get("class") == "skip-link" and attrs.get("href") == "#main":
            self.found.add("skip-link")
        if tag == "header" and "site-header" in (attrs.get("class") or ""):
            self.found.add("header")
        if tag == "main" and attrs.get("id") == "main":
            self.found.add("main")
        if tag == "footer":
            self.found.add("footer")
        if tag == "nav":
            self.found.add("nav")


SITE_LAYOUT = {"lang", "skip-link", "header", "main", "footer", "nav"}


def allauth_paths():
    """Every page allauth routes to, with made-up values for keys and tokens in the path."""
    from django.urls import URLPattern, URLResolver, get_resolver

    def walk(patterns, prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                yield from walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern) and entry.callback.__module__.startswith("allauth."):
                yield entry.name, prefix + str(entry.pattern)

    paths = {}
    for name, route in walk(get_resolver().url_patterns):
        path = "/" + route.replace("^", "").replace("$", "")
        for placeholder in ("<str:key>", "<uidb36>", "<key>", "<str:uidb36>"):
            path = path.replace(placeholder, "x-0")
        import re

        path = re.sub(r"\(\?P<\w+>[^)]*\)", "x-0", path)
        path = re.sub(r"<[^>]+>", "x-0", path)
        paths.setdefault(path, name)
    return sorted(paths.items())


@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_every_allauth_page_has_the_site_layout(client, user, signed_in):
    """Whatever allauth adds in a release, its pages render in the site's layout."""
    if signed_in:
        client.force_login(user)
    checked = []
    for path, name in allauth_paths():
        response = client.get(path, follow=True)
        assert response.status_code < 500, path
        if response.status_code == 404 or "html" not in response.get("Content-Type", ""):
            continue  # a flow that settings switch off (phone, codes) or not a page
        parser = LayoutAudit()
        parser.feed(response.content.decode())
        missing = SITE_LAYOUT - parser.found
        assert not missing, f"{path} ({name}) lacks {sorted(missing)}"
        checked.append(name)
    assert {"account_login", "account_signup", "account_reset_password"} <= set(checked) or (
        signed_in and {"account_email", "account_change_password"} <= set(checked)
    )
    assert len(checked) >= 8


def test_profile_shows_the_personal_calendar_feed_and_is_not_stored(client):
    person = make_user("feed-owner@example.com")
    client.force_login(person)
    response = client.get(reverse("accounts:profile"))
    page = response.content.decode()
    assert f"/calendar/{person.calendar_token}.ics" in page
    assert "no-store" in response["Cache-Control"]
    client.post(reverse("accounts:calendar-reset"), {"next": reverse("accounts:profile")})
    person.refresh_from_db()
    page = client.get(reverse("accounts:profile")).content.decode()
    assert f"/calendar/{person.calendar_token}.ics" in page
