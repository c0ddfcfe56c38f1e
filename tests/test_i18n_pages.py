"""Every page in English and in Russian: the language of the page, its Russian words, and
no English text of the site left on a Russian page (names and content excepted)."""

import datetime as dt
import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from schedule.demo import load_demo
from schedule.models import EventTeamMember, Speaker
from tests.factories import make_registration, make_room, make_talk, make_user

pytestmark = pytest.mark.django_db

COMPILED = Path(__file__).resolve().parent.parent / "locale" / "ru" / "LC_MESSAGES" / "django.mo"
EVENT = "/events/ml-art-datafest-2020/"

# English words of Django's and allauth's own forms, translated by their catalogues.
LIBRARY_ENGLISH = ["Password", "Remember Me", "Forgot your password", "This field is required"]


class VisibleText(HTMLParser):
    """The text a person reads or hears: text nodes outside <script>/<style>/<head>,
    plus alt, aria-label, placeholder, title and button values."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "head"):
            self._skip += 1
        attrs = dict(attrs)
        for name in ("alt", "aria-label", "placeholder", "title"):
            if attrs.get(name):
                self.parts.append(attrs[name])
        if tag == "input" and attrs.get("type") == "submit" and attrs.get("value"):
            self.parts.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style", "head"):
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(" ".join(data.split()))


def visible_text(html):
    parser = VisibleText()
    parser.feed(html)
    return parser.parts


def _english_of_the_site():
    """(phrases, words): the catalogue's English texts whose Russian differs. Phrases are
    the fixed parts (15+ characters) of longer texts; words are one- or two-word texts,
    matched only as a whole text node."""
    phrases, words = set(), set()
    with COMPILED.open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)._catalog
    for key, russian in catalogue.items():
        english = key[0] if isinstance(key, tuple) else key
        if not english or russian == english:
            continue
        for text in english.split("\x00"):
            text = re.sub(r"<[^>]+>", "%(tag)s", text.replace("&amp;", "&"))
            chunks = [c.strip(" .,:;()") for c in re.split(r"%\(\w+\)[sd]", text)]
            if len(text.split()) <= 2 and "%(" not in text:
                words.add(text)
            phrases.update(c for c in chunks if len(c) >= 15)
    return phrases, words


PHRASES, WORDS = _english_of_the_site()


def english_left(html):
    """The site's English texts found on a page."""
    parts = visible_text(html)
    text = "\n".join(parts)
    found = {phrase for phrase in PHRASES if phrase in text}
    found |= {part for part in parts if part in WORDS}
    found |= {word for word in LIBRARY_ENGLISH if word in text}
    return found


def lang_of(html):
    return re.search(r'<html lang="([^"]+)"', html).group(1)


def get(client, url, language):
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    assert lang_of(html) == language, url
    return html


def check(client, russian_words, content_in_russian=()):
    """Each page in both languages: Russian words on the Russian page, none of the site's
    English there, and no Russian on the English page but the switcher's "Русский" (and
    content written in Russian)."""
    for url, words in russian_words.items():
        english = get(client, url, "en")
        russian = get(client, url, "ru")
        assert english_left(russian) == set(), url
        missing = [word for word in words if word not in russian]
        assert missing == [], url
        if url not in content_in_russian:
            text = "\n".join(visible_text(english)).replace("Русский", "")
            assert re.findall("[а-яА-ЯёЁ]+", text) == [], url


def talk_urls(event):
    return [talk.get_absolute_url() for talk in event.talks.public()]


def test_public_pages_in_both_languages(client, demo_event):
    speakers = Speaker.objects.filter(talks__event=demo_event).distinct()
    urls = {
        "/": ["События", "Прошедшие события"],
        EVENT: ["Расписание", "Программа", "Посмотреть снова", "суббота, 19 сентября 2020", "МСК"],
        f"{EVENT}schedule/": ["Расписание", "мин", "Расписание в календарь и приложения"],
        reverse("account_login"): ["Войти", "Создайте учётную запись"],
        reverse("account_signup"): ["Зарегистрироваться", "Уже есть учётная запись"],
        reverse("account_reset_password"): ["Сброс пароля", "Отправить ссылку"],
    }
    for url in talk_urls(demo_event):
        urls[url] = ["О докладе", "Добавить в календарь", "МСК"]
    for speaker in speakers:
        urls[speaker.get_absolute_url()] = ["Доклады", "на"]
    check(client, urls, content_in_russian={EVENT, f"{EVENT}schedule/", *talk_urls(demo_event)})


def test_signed_in_pages_in_both_languages(client, demo_event):
    person = make_user("reader@example.com")
    make_registration(person, demo_event)
    client.force_login(person)
    urls = {
        reverse("accounts:profile"): [
            "Ваш профиль",
            "Часовой пояс",
            "Ваш календарь",
            "— язык браузера —",
            'data-filter-label="Поиск по списку"',
        ],
        reverse("accounts:my-events"): ["Ваши события", "Прошедшие", "Подтверждена"],
        reverse("account_email"): ["Сменить адрес e-mail", "Вы входите с адресом"],
        reverse("account_change_password"): ["Сменить пароль"],
        reverse("account_logout"): ["Выйти из учётной записи?"],
        reverse("speaker:speaker-profile"): ["Ваш профиль спикера"],
    }
    check(client, urls)


def test_the_speaker_profile_page_in_both_languages(client, demo_event):
    speaker = Speaker.objects.get(slug="alexander-mordvintsev")
    person = make_user(speaker.email)
    speaker.user = person
    speaker.save()
    client.force_login(person)
    url = reverse("speaker:speaker-profile")
    check(client, {url: ["О вас", "Сохранить профиль", "Загрузить фото"]})


@pytest.fixture
def upcoming_demo(db):
    """The demo event on a Saturday to come, so that registration is open."""
    event, _ = load_demo(dt.date(2030, 9, 21))
    return event


def test_the_join_panel_says_how_many_places_are_left_in_russian(client, upcoming_demo):
    demo_event = upcoming_demo
    demo_event.capacity = 23
    demo_event.save()
    client.force_login(make_user(language="ru"))
    for taken, text in [
        (0, "Осталось 23 места."),
        (2, "Осталось 21 место."),
        (18, "Осталось 5 мест."),
    ]:
        for _ in range(taken - demo_event.registrations.count()):
            make_registration(make_user(), demo_event)
        assert text in client.get(EVENT).content.decode()


def test_a_russian_user_gets_a_russian_registration_mail(
    client, upcoming_demo, django_capture_on_commit_callbacks, huey_immediate
):
    demo_event = upcoming_demo
    person = make_user("ru@example.com", language="ru")
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("schedule:event-register", args=[demo_event.slug]), {"action": "register"}
        )
    message = mail.outbox[-1]
    assert message.subject.endswith("Вы зарегистрированы на «Machine Learning Art»")
    assert "Расписание (время Europe/Moscow" in message.body
    assert "суббота, 21 сентября 2030, 16:00 МСК" in message.body
    html = message.alternatives[0][0]
    assert '<html lang="ru">' in html and "Вы зарегистрированы на" in html


def test_an_english_user_gets_an_english_mail_from_a_russian_page(
    client, upcoming_demo, django_capture_on_commit_callbacks, huey_immediate
):
    demo_event = upcoming_demo
    person = make_user("en@example.com", language="en")
    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("schedule:event-register", args=[demo_event.slug]),
            {"action": "register"},
            HTTP_ACCEPT_LANGUAGE="ru",
        )
    message = mail.outbox[-1]
    assert "You are registered for Machine Learning Art" in message.subject
    assert "Saturday 21 September 2030, 16:00 MSK" in message.body


def test_the_verification_mail_is_in_the_language_of_the_sign_up(client, deliver_outbox):
    Client(HTTP_ACCEPT_LANGUAGE="ru").post(
        reverse("account_signup"),
        {
            "email": "new@example.com",
            "password1": "a-long-pass-phrase",
            "password2": "a-long-pass-phrase",
        },
    )
    message = deliver_outbox()[-1]
    assert "Здравствуйте, это Eventsite!" in message.body
    assert "нажмите «Подтвердить»" in message.body


def test_the_admin_speaks_russian_to_a_russian_organiser(client, organiser, demo_event):
    EventTeamMember.objects.create(event=demo_event, user=organiser)
    organiser.language = "ru"
    organiser.save()
    client.force_login(organiser)
    page = client.get(reverse("admin:schedule_talk_change", args=[demo_event.talks.first().pk]))
    html = page.content.decode()
    assert lang_of(html) == "ru"
    assert "Когда и где" in html and "Ссылки" in html
    index = client.get(reverse("admin:index")).content.decode()
    assert "Eventsite: управление" in index and "События и расписание" in index
    listing = client.get(reverse("admin:schedule_event_changelist")).content.decode()
    assert "Опубликовать выбранные события" in listing
    assert "сб, 19 сен 2020, 16:00 МСК" in listing


def test_the_admin_link_reads_upravlenie_in_russian(client, organiser, demo_event):
    client.force_login(organiser)
    html = client.get(EVENT, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert ">Управление</a>" in html


def test_the_english_detector_finds_the_sites_english(client, demo_event):
    """The check above can fail: on the English page it finds the site's words."""
    found = english_left(get(client, EVENT, "en"))
    assert {"Schedule", "Programme", "Get the schedule"} <= found


@pytest.mark.parametrize(
    ("rooms", "text"),
    [
        (2, "Доклады идут в прямом эфире в 2 комнатах"),
        (5, "Доклады идут в прямом эфире в 5 комнатах"),
        (21, "Доклады идут в прямом эфире в 21 комнате"),
    ],
)
def test_the_number_of_rooms_takes_the_right_plural(client, upcoming_demo, rooms, text):
    for _ in range(rooms - 1):
        make_talk(upcoming_demo, make_room(upcoming_demo))
    upcoming_demo.save()
    assert text in client.get(EVENT, HTTP_ACCEPT_LANGUAGE="ru").content.decode()


def test_the_speaker_invite_is_in_the_language_of_the_speakers_talk(
    client, superuser, demo_event, deliver_outbox
):
    client.force_login(superuser)  # an English-speaking organiser
    russian = Speaker.objects.get(slug="roman-kosovichev")
    english = Speaker.objects.get(slug="alexander-mordvintsev")
    for speaker in (russian, english):
        client.post(reverse("admin:schedule_speaker_send_invite", args=[speaker.pk]))
    to_russian, to_english = deliver_outbox()[-2:]
    assert to_russian.subject == "[Eventsite] Ведите свой профиль спикера, Roman Kosovichev"
    assert "Ссылка действует один раз и истекает через 7 дней" in to_russian.body
    assert "Организаторы приглашают вас" in to_russian.body
    assert "http://testserver/\n" in to_russian.body
    assert to_english.subject == "[Eventsite] Manage your speaker profile, Alexander Mordvintsev"


@pytest.mark.parametrize(
    ("language", "heading"), [("en", "Page not found"), ("ru", "Страница не найдена")]
)
def test_a_missing_page_answers_in_the_visitors_language(client, language, heading):
    response = client.get("/events/no-such-event/", HTTP_ACCEPT_LANGUAGE=language)
    html = response.content.decode()
    assert response.status_code == 404
    assert lang_of(html) == language and f"<h1>{heading}</h1>" in html


def test_a_refused_page_says_why_in_russian(client):
    client.force_login(make_user(language="ru"))
    response = client.post(reverse("speaker:speaker-profile"), {})
    html = response.content.decode()
    assert response.status_code == 403
    assert "<h1>Нет доступа</h1>" in html and "Вы не ведёте профиль спикера." in html
