"""Videos in pages: ``{{ url|as_video }}`` and the path of a share image (the poster)."""

from django import template

from schedule import share_images, video

register = template.Library()


@register.filter
def as_video(url):
    """A ``video.Video`` (plays in place when ``embed`` is set), or None for no URL."""
    return video.video(url)


@register.simple_tag
def share_image(name, *args):
    """{% share_image "talk" event.slug talk.slug %}: the path of that share image."""
    return share_images.image_path(name, *args)
