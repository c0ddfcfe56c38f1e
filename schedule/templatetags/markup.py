from django import template

from schedule.markup import plain_text, render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text):
    """{{ speaker.bio|markdown }}: sanitised HTML from Markdown."""
    return render_markdown(text or "")


@register.filter(name="plaintext")
def plaintext_filter(text, words=None):
    return plain_text(text or "", int(words) if words else None)
