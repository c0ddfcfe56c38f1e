"""Markdown for organiser and speaker texts, rendered safe.

Raw HTML in the source is shown as text, never as markup; the Markdown output is
then cleaned with nh3 to a small allow-list (no scripts, no inline styles, no
images, only http/https/mailto links, which get ``rel="nofollow noopener"``).
"""

import markdown
import nh3
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "h3", "h4", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
URL_SCHEMES = {"http", "https", "mailto"}


def _markdown():
    md = markdown.Markdown(extensions=["sane_lists"], output_format="html")
    # Raw HTML in the source stays text: drop the passes that would keep it as markup.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


def render_markdown(text: str) -> str:
    """Markdown source -> sanitised HTML (marked safe for templates)."""
    if not text:
        return mark_safe("")  # noqa: S308 - constant
    html = _markdown().convert(text)
    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="nofollow noopener noreferrer",
        strip_comments=True,
    )
    return mark_safe(cleaned)  # noqa: S308 - cleaned by nh3 above


def plain_text(text: str, words: int | None = None) -> str:
    """Markdown source -> plain text (meta descriptions, feeds)."""
    text = " ".join(strip_tags(render_markdown(text)).split())
    return Truncator(text).words(words) if words else text
