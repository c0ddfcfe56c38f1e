"""Markdown for organiser and speaker texts, rendered safe, once, when they are saved.

Raw HTML in the source is shown as text, never as markup; the Markdown output is
then cleaned with nh3 to a small allow-list (no scripts, no inline styles, no
images, only http/https/mailto links, which get ``rel="nofollow noopener"``).

Models store the HTML next to the source (``bio`` and ``bio_html``), so a page
view never runs Markdown. Python-Markdown's link parsing grows with the square of
the text for each "[", and some list nestings exhaust the recursion limit, so a
text is bounded before it is rendered: ``MAX_LENGTH`` characters and
``MAX_BRACKETS`` square brackets (``validate_markdown``; about 0.2 s at worst).
"""

import html as html_module

import markdown
import nh3
from django.core.exceptions import ValidationError
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

MAX_LENGTH = 5000
MAX_BRACKETS = 50

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


class MarkdownTooComplex(ValueError):
    """The text nests too deeply to be rendered."""


def _markdown():
    md = markdown.Markdown(extensions=["sane_lists"], output_format="html")
    # Raw HTML in the source stays text: drop the passes that would keep it as markup.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


def _render(text: str) -> str:
    try:
        html = _markdown().convert(text)
    except RecursionError as error:
        raise MarkdownTooComplex(text) from error
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )


def validate_markdown(text: str) -> None:
    """Refuse a text that is too long, has too many brackets, or nests too deeply."""
    if not text:
        return
    if len(text) > MAX_LENGTH:
        raise ValidationError(
            _("Keep it to %(limit)s characters (it has %(length)s)."),
            code="too_long",
            params={"limit": MAX_LENGTH, "length": len(text)},
        )
    if text.count("[") > MAX_BRACKETS:
        raise ValidationError(
            _("Use at most %(limit)s square brackets “[” (each link takes one)."),
            code="too_many_brackets",
            params={"limit": MAX_BRACKETS},
        )
    try:
        _render(text)
    except MarkdownTooComplex as error:
        raise ValidationError(
            _("The lists or quotes nest too deeply to be shown. Please flatten them."),
            code="too_deep",
        ) from error


def render_markdown(text: str) -> str:
    """Markdown source -> sanitised HTML (marked safe for templates).

    Never raises: a text past the bounds (saved without validation, from the shell
    or an import) is shown as plain paragraphs.
    """
    if not text:
        return mark_safe("")  # noqa: S308 - constant
    if len(text) > MAX_LENGTH or text.count("[") > MAX_BRACKETS:
        return _plain_paragraphs(text)
    try:
        return mark_safe(_render(text))  # noqa: S308 - cleaned by nh3
    except MarkdownTooComplex:
        return _plain_paragraphs(text)


def _plain_paragraphs(text: str) -> str:
    paragraphs = [escape(part) for part in text.split("\n\n") if part.strip()]
    return mark_safe("".join(f"<p>{part}</p>" for part in paragraphs))  # noqa: S308 - escaped


def plain_text(html: str, words: int | None = None) -> str:
    """Rendered HTML (``bio_html``...) -> plain text for meta descriptions and feeds."""
    text = " ".join(html_module.unescape(strip_tags(html or "")).split())
    return Truncator(text).words(words) if words else text
