"""Share images: the 1200×630 PNG that link previews show (``og:image``).

``draw(card)`` turns plain data (a ``Card``) into PNG bytes; ``event_card``,
``talk_card`` and ``speaker_card`` make the card of a page from the models. The
drawing needs no network and no system font: DejaVu Sans ships in
``schedule/fonts/`` (its licence beside it), and covers Latin, Cyrillic and Greek.

Text never overflows: a title is wrapped on words (a word wider than the line is
cut) and shrunk step by step until it fits its box; at the smallest size the last
line ends with "…". Speaker photos are read through their storage; a photo that
cannot be read is drawn as initials, never an error.

Images are cached by the views (``schedule/views/share_images.py``) under the
event's version, so they are drawn again only when what they show changes.
"""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from PIL import Image, ImageDraw, ImageFont, ImageOps

from . import formats, seo
from .templatetags.schedule_tags import initials

logger = logging.getLogger(__name__)

WIDTH, HEIGHT = 1200, 630
MARGIN = 72
FONTS = Path(__file__).resolve().parent / "fonts"
REGULAR, BOLD = FONTS / "DejaVuSans.ttf", FONTS / "DejaVuSans-Bold.ttf"
# Colours of the site (static/css/site.css): deep indigo to magenta, white text.
TOP_LEFT, BOTTOM_RIGHT = (36, 22, 110), (150, 24, 90)
TEXT, SOFT_TEXT, ACCENT = (255, 255, 255), (222, 214, 255), (255, 196, 120)
AVATAR_TONES = [(99, 76, 230), (194, 24, 91), (0, 121, 107), (230, 81, 0), (48, 63, 159)]
MAX_PEOPLE = 4
SITE_NAME = "Eventsite"
ELLIPSIS = "…"


@dataclass
class Person:
    name: str
    photo: bytes | None = None  # any image Pillow reads; None: initials


@dataclass
class Card:
    title: str
    eyebrow: str = ""  # festival (or organiser) above the title
    subtitle: str = ""  # under the title: the event of a talk, a speaker's headline
    when: str = ""  # "Saturday 19 September 2020 · 16:00–16:40 MSK"
    people: list[Person] = field(default_factory=list)
    footer: str = ""  # the site's name
    portrait: Person | None = None  # a speaker page: one large photo on the right


# ---------------------------------------------------------------------------
# Text


@cache
def font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


def _width(text: str, face) -> float:
    return face.getlength(text)


def _split_long_word(word: str, face, width: int) -> list[str]:
    pieces, current = [], ""
    for char in word:
        if current and _width(current + char, face) > width:
            pieces.append(current)
            current = char
        else:
            current += char
    return [*pieces, current] if current else pieces


# A line may break after a space or after a hyphen inside a word ("Rimsky-|Korsakov").
_TOKEN = re.compile(r"\S+?-(?=\S)|\S+")


def wrap(text: str, face, width: int) -> list[str]:
    """``text`` in lines no wider than ``width`` pixels, broken between words or after
    hyphens (a word wider than a line is cut)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for match in _TOKEN.finditer(paragraph):
            token = match.group()
            glued = match.start() > 0 and paragraph[match.start() - 1] == "-"
            candidate = f"{current}{'' if glued else ' '}{token}" if current else token
            if _width(candidate, face) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            if _width(token, face) <= width:
                current = token
            else:
                *full, current = _split_long_word(token, face, width)
                lines.extend(full)
        if current:
            lines.append(current)
    return lines


def _ellipsize(line: str, face, width: int) -> str:
    while line and _width(line + ELLIPSIS, face) > width:
        line = line[:-1].rstrip()
    return line + ELLIPSIS


@dataclass
class FittedText:
    lines: list[str]
    face: ImageFont.FreeTypeFont
    line_height: int

    @property
    def height(self) -> int:
        return self.line_height * len(self.lines)


def fit(text: str, path: Path, width: int, height: int, sizes: range, max_lines: int) -> FittedText:
    """The largest of ``sizes`` (largest first) at which ``text`` fits ``width`` × ``height``
    in at most ``max_lines`` lines; at the smallest size, cut with "…"."""
    # First the largest size that keeps every word whole, else the largest that fits.
    for keep_words in (True, False):
        for size in sizes:
            face = font(path, size)
            line_height = round(size * 1.2)
            if keep_words and any(_width(t, face) > width for t in _TOKEN.findall(text)):
                continue
            lines = wrap(text, face, width)
            if len(lines) <= max_lines and line_height * len(lines) <= height:
                return FittedText(lines, face, line_height)
    rows = max(1, min(max_lines, height // line_height))
    if len(lines) > rows:
        lines = [*lines[: rows - 1], _ellipsize(lines[rows - 1], face, width)]
    return FittedText(lines, face, line_height)


def _write(draw, fitted: FittedText, x: int, y: int, fill) -> int:
    """Draw the lines from ``y`` down; returns the y under the last line."""
    for line in fitted.lines:
        draw.text((x, y), line, font=fitted.face, fill=fill)
        y += fitted.line_height
    return y


# ---------------------------------------------------------------------------
# Pictures


def _round_photo(person: Person, size: int, tone) -> Image.Image:
    """A circle ``size`` pixels across: the person's photo, else their initials."""
    picture = None
    if person.photo:
        try:
            with Image.open(io.BytesIO(person.photo)) as source:
                picture = ImageOps.fit(
                    source.convert("RGB"), (size, size), Image.Resampling.LANCZOS
                )
        except Exception:  # noqa: BLE001 - any unreadable photo is drawn as initials
            logger.warning("Share image: unreadable photo of %s", person.name)
    if picture is None:
        picture = Image.new("RGB", (size, size), tone)
        draw = ImageDraw.Draw(picture)
        face = font(BOLD, size * 2 // 5)
        draw.text((size / 2, size / 2), initials(person.name), font=face, fill=TEXT, anchor="mm")
    mask = Image.new("L", (size * 4, size * 4), 0)
    ImageDraw.Draw(mask).ellipse((0, 0, size * 4 - 1, size * 4 - 1), fill=255)
    picture.putalpha(mask.resize((size, size), Image.Resampling.LANCZOS))
    return picture


def _background() -> Image.Image:
    """A diagonal gradient of the site's colours."""
    small = Image.new("RGB", (2, 2))
    small.putdata([TOP_LEFT, _mix(0.5), _mix(0.5), BOTTOM_RIGHT])
    return small.resize((WIDTH, HEIGHT), Image.Resampling.BILINEAR, box=(0.5, 0.5, 1.5, 1.5))


def _mix(share: float):
    return tuple(round(a + (b - a) * share) for a, b in zip(TOP_LEFT, BOTTOM_RIGHT, strict=True))


# ---------------------------------------------------------------------------
# The card


PEOPLE_TOP = 478
PEOPLE_HEIGHT = 96
NAME_SIZES = range(34, 15, -2)


def _people(image, draw, people: list[Person]) -> None:
    """Up to four people in a row at the bottom: photo, and the name beside it."""
    shown = people[:MAX_PEOPLE]
    hidden = len(people) - len(shown)
    column = (WIDTH - 2 * MARGIN) // len(shown)
    size = PEOPLE_HEIGHT if len(shown) <= 2 else 72
    top = PEOPLE_TOP + (PEOPLE_HEIGHT - size) // 2
    names = [person.name for person in shown]
    if hidden:
        names[-1] = f"{names[-1]} +{hidden}"
    text_width, text_height = column - size - 30, PEOPLE_HEIGHT + 20
    # One size for every name of the row: the largest at which all of them fit.
    largest = min(
        fit(name, BOLD, text_width, text_height, NAME_SIZES, 3).face.size for name in names
    )
    for index, (person, name) in enumerate(zip(shown, names, strict=True)):
        x = MARGIN + index * column
        photo = _round_photo(person, size, AVATAR_TONES[index % len(AVATAR_TONES)])
        image.paste(photo, (x, top), photo)
        fitted = fit(name, BOLD, text_width, text_height, range(largest, 15, -2), 3)
        y = PEOPLE_TOP + (PEOPLE_HEIGHT - fitted.height) // 2
        _write(draw, fitted, x + size + 14, y, TEXT)


def draw(card: Card) -> bytes:
    """The card as a 1200×630 PNG."""
    image = _background()
    draw_ = ImageDraw.Draw(image)
    text_right = WIDTH - MARGIN
    if card.portrait:
        size = 340
        left = WIDTH - MARGIN - size
        photo = _round_photo(card.portrait, size, AVATAR_TONES[0])
        image.paste(photo, (left, (HEIGHT - size) // 2), photo)
        text_right = left - 48
    width = text_right - MARGIN

    top = MARGIN - 8
    footer_width = 0
    if card.footer:
        face = font(BOLD, 24)
        footer_width = round(_width(card.footer, face)) + 32
        draw_.text((WIDTH - MARGIN, top + 2), card.footer, font=face, fill=SOFT_TEXT, anchor="ra")
    blocks = []  # (text, colour, space under it)
    if card.eyebrow:
        eyebrow_width = min(width, WIDTH - 2 * MARGIN - footer_width)
        fitted = fit(card.eyebrow.upper(), BOLD, eyebrow_width, 40, range(28, 17, -2), 1)
        blocks.append((fitted, ACCENT, 14))
    elif card.footer:
        top += 50
    bottom = PEOPLE_TOP - 24 if card.people else HEIGHT - MARGIN
    reserved = (50 if card.when else 0) + (46 if card.subtitle else 0)
    used = sum(fitted.height + gap for fitted, _, gap in blocks)
    title_height = bottom - top - used - reserved
    blocks.append((fit(card.title, BOLD, width, title_height, range(76, 31, -4), 5), TEXT, 10))
    if card.subtitle:
        blocks.append((fit(card.subtitle, REGULAR, width, 40, range(30, 19, -2), 1), SOFT_TEXT, 6))
    if card.when:
        blocks.append((fit(card.when, REGULAR, width, 44, range(32, 19, -2), 1), SOFT_TEXT, 0))
    y = top
    if card.portrait:  # the text beside the photo, centred on it
        y = max(top, (HEIGHT - sum(fitted.height + gap for fitted, _, gap in blocks)) // 2)
    for fitted, colour, gap in blocks:
        y = _write(draw_, fitted, MARGIN, y, colour) + gap
    if card.people:
        _people(image, draw_, card.people)
    output = io.BytesIO()
    image.save(output, "PNG", optimize=True)
    return output.getvalue()


# ---------------------------------------------------------------------------
# Cards of the pages


def read_photo(field) -> bytes | None:
    """The bytes of an image field through its storage; None when empty or unreadable."""
    if not field:
        return None
    try:
        with field.storage.open(field.name, "rb") as handle:
            return handle.read()
    except OSError:
        logger.warning("Share image: cannot read %s", field.name)
        return None


def _person(speaker) -> Person:
    return Person(speaker.name, read_photo(speaker.photo_small or speaker.photo))


def _eyebrow(event) -> str:
    return event.festival_name or event.organiser_name


def event_when(event) -> str:
    zone = event.tzinfo
    if event.local_start.date() == event.local_end.date():
        hours = formats.clock_range(event.start, event.end, zone)
    else:
        hours = formats.clock(event.start, zone)
    return f"{formats.day_span(event.start, event.end, zone)} · {hours}"


def event_card(event, speakers, site_name: str) -> Card:
    """``speakers``: the speakers of the event's public talks, in programme order."""
    return Card(
        title=event.name,
        eyebrow=_eyebrow(event),
        when=event_when(event),
        people=[_person(speaker) for speaker in speakers],
        footer=site_name,
    )


def talk_card(talk, event, site_name: str) -> Card:
    zone = event.tzinfo
    when = f"{formats.day(talk.start, zone)} · {formats.clock_range(talk.start, talk.end, zone)}"
    return Card(
        title=talk.title,
        eyebrow=_eyebrow(event),
        subtitle=event.name,
        when=when,
        people=[_person(speaker) for speaker in talk.speaker_list],
        footer=site_name,
    )


def speaker_card(speaker, site_name: str) -> Card:
    return Card(
        title=speaker.name,
        subtitle=speaker.headline,
        portrait=Person(speaker.name, read_photo(speaker.photo)),
        footer=site_name,
    )


# ---------------------------------------------------------------------------
# Where they are


def image_path(name: str, *args) -> str:
    """The path of a share image (URL name without its prefix: "event", "talk",
    "speaker") in the active language: ``?lang=ru`` when it is not the default."""
    path = reverse(f"schedule:{name}-share-image", args=args)
    language = translation.get_language()
    if language and language != settings.LANGUAGE_CODE:
        path = f"{path}?{settings.LANGUAGE_QUERY_PARAMETER}={language}"
    return path


def event_image_url(request, event) -> str:
    return seo.absolute_url(image_path("event", event.slug), request)


def talk_image_url(request, event, talk) -> str:
    return seo.absolute_url(image_path("talk", event.slug, talk.slug), request)


def speaker_image_url(request, speaker) -> str:
    return seo.absolute_url(image_path("speaker", speaker.slug), request)
