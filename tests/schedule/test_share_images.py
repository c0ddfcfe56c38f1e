"""Share images (og:image): drawn with Pillow, fitted, cached per version, linked from pages."""

import io
import re

import pytest
from django.core.cache import caches
from django.core.files.base import ContentFile
from django.utils import translation
from PIL import Image

from schedule import share_images
from schedule.models import Speaker, Talk
from schedule.share_images import BOLD, Card, Person, draw, fit, font, wrap
from schedule.views.share_images import event_speakers
from tests.factories import make_event, make_speaker, make_talk

SLUG = "ml-art-datafest-2020"
EVENT_IMAGE = f"/events/{SLUG}/share.png"
TALK_IMAGE = f"/events/{SLUG}/talks/neural-network-art-gallery/share.png"
SPEAKER_IMAGE = "/speakers/alexander-mordvintsev/share.png"
GREEN = (0, 200, 0)
LONG_TITLE = (
    "A very long title about neural networks that generate paintings matching the user's "
    "query, and what it means for art directors, designers, galleries and collectors in the "
    "next decade of creative machine learning, told in far more words than fit on one card"
)


def png(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    assert image.format == "PNG"
    return image.convert("RGB")


def solid_photo(colour) -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (400, 400), colour).save(output, "WEBP")
    return output.getvalue()


# --- Drawing -------------------------------------------------------------------------


def test_card_is_a_1200_by_630_png():
    assert png(draw(Card(title="Machine Learning Art"))).size == (1200, 630)


def test_wrapped_lines_never_exceed_the_width():
    face = font(BOLD, 48)
    text = LONG_TITLE + " Supercalifragilisticexpialidocious" * 3
    lines = wrap(text, face, 500)
    assert len(lines) > 5
    assert all(face.getlength(line) <= 500 for line in lines)
    # Nothing lost: the words, the long one cut across lines.
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_hyphenated_names_break_after_the_hyphen():
    lines = wrap("Юрий Вязовецкий-Длиннофамильный", font(BOLD, 60), 700)
    assert lines == ["Юрий Вязовецкий-", "Длиннофамильный"]


def test_long_title_shrinks_then_ends_with_an_ellipsis():
    short = fit("Machine Learning Art", BOLD, 1000, 300, range(76, 31, -4), 5)
    long = fit(LONG_TITLE, BOLD, 1000, 300, range(76, 31, -4), 5)
    longest = fit(LONG_TITLE * 4, BOLD, 1000, 300, range(76, 31, -4), 5)

    assert short.face.size == 76 and short.lines == ["Machine Learning Art"]
    assert long.face.size < 76 and long.height <= 300 and "…" not in " ".join(long.lines)
    assert longest.face.size == 32 and longest.lines[-1].endswith("…")
    assert longest.height <= 300


def test_cyrillic_is_drawn_with_real_glyphs():
    face = font(BOLD, 60)
    missing = face.getmask("\ue000").getbbox()  # a character the font lacks: its box
    for char in "ЖЩЮЯжщюяЁё":
        assert face.getmask(char).getbbox() != missing, char


def test_four_speakers_show_their_photos_and_initials():
    people = [Person(f"Speaker {n}", solid_photo(GREEN) if n % 2 == 0 else None) for n in range(4)]
    image = png(draw(Card(title="Panel", when="Saturday", people=people)))
    column = (1200 - 2 * 72) // 4
    centres = [(72 + n * column + 36, 478 + 48) for n in range(4)]  # photos of 72 px
    colours = [image.getpixel(centre) for centre in centres]
    assert colours[0] == colours[2] and abs(colours[0][1] - 200) < 10 and colours[0][0] < 10
    assert colours[1] != colours[0] and colours[3] != colours[0]  # initials on a tone


def test_unreadable_photo_is_drawn_as_initials():
    image = png(draw(Card(title="T", people=[Person("Ada Lovelace", b"not an image")])))
    assert image.size == (1200, 630)


# --- Cards of the pages --------------------------------------------------------------


@pytest.mark.django_db
def test_talk_card_has_the_time_in_the_event_zone_festival_and_speakers(demo_event):
    talk = demo_event.talks.for_schedule().get(slug="neural-network-art-gallery")
    card = share_images.talk_card(talk, demo_event, "Eventsite")
    assert card.title == "The neural network art gallery"
    assert card.when == "Saturday 19 September 2020 · 18:00–18:40 MSK"
    assert card.eyebrow == "Data Fest 2020"
    assert card.subtitle == "Machine Learning Art"
    assert [person.name for person in card.people] == ["Evgeny Kashin", "Yuri Viazovetskyi"]


@pytest.mark.django_db
def test_event_card_has_every_speaker_once_in_programme_order(demo_event):
    assert [speaker.name for speaker in event_speakers(demo_event)] == [
        "Alexander Mordvintsev",
        "Roman Kosovichev",
        "Evgeny Kashin",
        "Yuri Viazovetskyi",
    ]
    card = share_images.event_card(demo_event, [], "Eventsite")
    assert card.when == "Saturday 19 September 2020 · 16:00–19:00 MSK"


# --- Views ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", [EVENT_IMAGE, TALK_IMAGE, SPEAKER_IMAGE])
def test_share_images_are_pngs_with_etag_and_public_cache(client, demo_event, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert png(response.content).size == (1200, 630)
    assert "public" in response["Cache-Control"]

    again = client.get(url, HTTP_IF_NONE_MATCH=response["ETag"])
    assert again.status_code == 304


@pytest.mark.django_db
def test_image_is_drawn_once_per_version(
    client, demo_event, monkeypatch, django_assert_num_queries
):
    drawn = []
    real_draw = share_images.draw
    monkeypatch.setattr(
        share_images, "draw", lambda card: drawn.append(card.title) or real_draw(card)
    )

    first = client.get(TALK_IMAGE)
    with django_assert_num_queries(1):  # the event; the image comes from the cache
        second = client.get(TALK_IMAGE)
    assert second.content == first.content and drawn == ["The neural network art gallery"]

    talk = Talk.objects.get(slug="neural-network-art-gallery")
    talk.title = "The neural network art gallery, revisited"
    talk.save()
    third = client.get(TALK_IMAGE)
    assert third["ETag"] != first["ETag"]
    assert drawn == ["The neural network art gallery", "The neural network art gallery, revisited"]


@pytest.mark.django_db
def test_speaker_photo_change_redraws_the_images(client, demo_event, monkeypatch):
    drawn = []
    real_draw = share_images.draw
    monkeypatch.setattr(share_images, "draw", lambda card: drawn.append(card) or real_draw(card))
    client.get(SPEAKER_IMAGE)
    client.get(EVENT_IMAGE)

    speaker = Speaker.objects.get(slug="alexander-mordvintsev")
    speaker.photo.save("face.webp", ContentFile(solid_photo(GREEN)), save=False)
    speaker.save()
    client.get(SPEAKER_IMAGE)
    image = png(client.get(EVENT_IMAGE).content)

    assert len(drawn) == 4
    assert drawn[2].portrait.photo is not None
    centre = image.getpixel((72 + 36, 478 + 48))
    assert abs(centre[1] - 200) < 10 and centre[0] < 10  # the first of four speakers
    speaker.photo.delete(save=False)


@pytest.mark.django_db
def test_images_of_what_is_not_public_are_404(client, demo_event):
    hidden = make_event("hidden", is_published=False)
    draft = make_talk(demo_event, slug="draft-talk", state=Talk.State.DRAFT)
    lonely = make_speaker("lonely")
    make_talk(hidden, speakers=[lonely])

    assert client.get("/events/hidden/share.png").status_code == 404
    assert client.get(f"/events/{SLUG}/talks/{draft.slug}/share.png").status_code == 404
    assert client.get(f"/events/{SLUG}/talks/nope/share.png").status_code == 404
    assert client.get("/speakers/lonely/share.png").status_code == 404


@pytest.mark.django_db
def test_image_language_comes_from_the_url_not_the_browser(client, demo_event, monkeypatch):
    cards = []
    real_draw = share_images.draw

    def spy(card):
        cards.append((translation.get_language(), card.when))
        return real_draw(card)

    monkeypatch.setattr(share_images, "draw", spy)
    client.get(TALK_IMAGE, HTTP_ACCEPT_LANGUAGE="ru")
    client.get(TALK_IMAGE + "?lang=ru")
    assert [language for language, _ in cards] == ["en", "ru"]
    assert cards[0][1].startswith("Saturday")
    assert cards[1][1] == "суббота, 19 сентября 2020 · 18:00–18:40 МСК"


# --- Pages ---------------------------------------------------------------------------


def meta(html: str, name: str) -> str:
    found = re.search(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)"', html)
    assert found, name
    return found.group(1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page, image",
    [
        (f"/events/{SLUG}/", EVENT_IMAGE),
        (f"/events/{SLUG}/talks/neural-network-art-gallery/", TALK_IMAGE),
        ("/speakers/alexander-mordvintsev/", SPEAKER_IMAGE),
    ],
)
def test_pages_name_their_share_image_as_a_large_card(client, demo_event, page, image):
    html = client.get(page).content.decode()
    assert meta(html, "og:image") == f"http://testserver{image}"
    assert meta(html, "twitter:card") == "summary_large_image"
    caches["pages"].clear()
    russian = client.get(page + "?lang=ru").content.decode()
    assert meta(russian, "og:image") == f"http://testserver{image}?lang=ru"
