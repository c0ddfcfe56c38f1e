"""Russian and English: how a page's language is chosen, the switcher, the cache, and
a complete catalogue."""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from tests.factories import make_user

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parent.parent
CATALOGUE = BASE_DIR / "locale" / "ru" / "LC_MESSAGES" / "django.po"


def lang_of(response):
    return re.search(r'<html lang="([^"]+)"', response.content.decode()).group(1)


def test_english_by_default(client, demo_event):
    response = client.get(demo_event.get_absolute_url())
    assert lang_of(response) == "en"
    assert "Skip to content" in response.content.decode()


def test_accept_language_russian_on_the_first_visit(client, demo_event):
    response = client.get(demo_event.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ru-RU,ru;q=0.9")
    assert lang_of(response) == "ru"
    assert response["Content-Language"] == "ru"
    assert "Перейти к содержимому" in response.content.decode()


def test_lang_parameter_wins_and_alternates_name_each_language(client, demo_event):
    url = demo_event.get_absolute_url()
    page = client.get(url, {"lang": "ru"}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="ru">' in page
    assert f'<link rel="canonical" href="http://testserver{url}?lang=ru">' in page
    assert f'<link rel="alternate" hreflang="en" href="http://testserver{url}">' in page
    assert f'<link rel="alternate" hreflang="ru" href="http://testserver{url}?lang=ru">' in page
    assert f'<link rel="alternate" hreflang="x-default" href="http://testserver{url}">' in page
    english = client.get(url, {"lang": "en"}, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert '<html lang="en">' in english
    assert f'<link rel="canonical" href="http://testserver{url}">' in english


def test_an_unknown_lang_parameter_is_ignored(client, demo_event):
    response = client.get(demo_event.get_absolute_url(), {"lang": "xx"})
    assert response.status_code == 200 and lang_of(response) == "en"


def test_switcher_without_javascript_sets_the_language_and_comes_back(client, demo_event):
    url = demo_event.get_absolute_url()
    page = client.get(url).content.decode()
    form = re.search(r'<form method="post" action="([^"]+)" class="[^"]*language-switch', page)
    assert form and form.group(1) == reverse("set_language")
    assert 'name="csrfmiddlewaretoken"' not in page  # a shared page carries no token
    response = client.post(reverse("set_language"), {"language": "ru", "next": url})
    assert response.status_code == 302 and response["Location"] == url
    assert lang_of(client.get(url)) == "ru"
    client.post(reverse("set_language"), {"language": "en", "next": url})
    assert lang_of(client.get(url)) == "en"


def test_switcher_refuses_another_sites_next(client):
    response = client.post(
        reverse("set_language"), {"language": "ru", "next": "https://evil.example/"}
    )
    assert response.status_code == 302
    assert "evil.example" not in response["Location"]


def test_a_signed_in_persons_choice_is_saved_on_the_profile_with_a_csrf_check(demo_event):
    user = make_user()
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    page = browser.get(demo_event.get_absolute_url()).content.decode()
    assert browser.post(reverse("set_language"), {"language": "ru"}).status_code == 403
    user.refresh_from_db()
    assert user.language == ""
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    browser.post(reverse("set_language"), {"language": "ru", "csrfmiddlewaretoken": token})
    user.refresh_from_db()
    assert user.language == "ru"


def test_the_profile_language_is_used_for_the_persons_pages(client, demo_event):
    client.force_login(make_user(language="ru"))
    assert lang_of(client.get(demo_event.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en")) == "ru"


def test_sign_up_keeps_the_language_it_happened_in(client):
    from accounts.models import User

    client.post(
        reverse("account_signup"),
        {
            "email": "new@example.com",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert User.objects.get(email="new@example.com").language == "ru"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/events/ml-art-datafest-2020/",
        "/events/ml-art-datafest-2020/schedule/",
        "/events/ml-art-datafest-2020/schedule/?language=ru",
        "/events/ml-art-datafest-2020/talks/non-existent-designer/",
        "/speakers/roman-kosovichev/",
    ],
)
def test_a_russian_page_is_never_served_to_an_english_visitor(demo_event, path):
    russian, english = Client(HTTP_ACCEPT_LANGUAGE="ru"), Client(HTTP_ACCEPT_LANGUAGE="en")
    signed_in = Client(HTTP_ACCEPT_LANGUAGE="en")
    signed_in.force_login(make_user())
    for _ in range(2):  # the second round is served from the cache
        assert lang_of(russian.get(path)) == "ru"
        assert lang_of(english.get(path)) == "en"
        assert lang_of(signed_in.get(path)) == "en"
        assert lang_of(english.get(path, {"lang": "ru"})) == "ru"


# --- The catalogue ---------------------------------------------------------------------


def test_the_catalogue_has_no_untranslated_or_fuzzy_entry():
    if shutil.which("msgfmt") is None:
        pytest.fail("msgfmt is missing: `make gettext` installs Debian's gettext")
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(CATALOGUE)],
        capture_output=True,
        text=True,
        check=True,
    )
    statistics = result.stderr.strip()
    assert re.fullmatch(r"\d+ translated messages?\.", statistics), statistics


def test_every_text_of_the_code_is_in_the_catalogue(tmp_path):
    """`make messages` would add nothing: every marked text has its Russian."""
    if shutil.which("xgettext") is None:
        pytest.fail("xgettext is missing: `make gettext` installs Debian's gettext")
    copy = tmp_path / "site"
    ignore = shutil.ignore_patterns(
        ".venv", ".tools", ".git", "staticfiles", "node_modules", "*.mo"
    )
    shutil.copytree(BASE_DIR, copy, ignore=ignore, symlinks=True)
    subprocess.run(
        [
            str(BASE_DIR / ".venv" / "bin" / "python"),
            "manage.py",
            "makemessages",
            "-l",
            "ru",
            "--no-obsolete",
            "--no-location",
            "--ignore=tests",
            "--ignore=bench",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    fresh = set(_msgids(copy / "locale" / "ru" / "LC_MESSAGES" / "django.po"))
    committed = set(_msgids(CATALOGUE))
    assert fresh - committed == set(), "texts missing from the catalogue: run `make messages`"


def _msgids(path):
    """(context, msgid) of every entry, read with msgcat's help-free parser: good enough
    for the files makemessages writes (no location lines)."""
    entries, context, current, key = [], "", None, None
    for line in Path(path).read_text().splitlines() + [""]:
        if line.startswith("msgctxt "):
            context, key = _unquote(line[8:]), "ctxt"
        elif line.startswith("msgid "):
            current, key = _unquote(line[6:]), "id"
        elif line.startswith('"') and key == "id":
            current += _unquote(line)
        elif line.startswith('"') and key == "ctxt":
            context += _unquote(line)
        elif line.startswith(("msgid_plural", "msgstr")) and current is not None:
            if current:
                entries.append((context, current))
            current, context, key = None, "", None
    return entries


def _unquote(text):
    return text.strip()[1:-1].encode().decode("unicode_escape").encode("latin-1").decode()


def test_languages_are_english_and_russian():
    assert [code for code, _ in settings.LANGUAGES] == ["en", "ru"]
