"""Videos shown in place: the public stream, recordings. YouTube links become a
click-to-load player on YouTube's privacy-enhanced host; anything else stays a link.

Nothing is loaded from the video host until the viewer clicks: the page shows a
poster drawn here (``share_images``) and a play button, and ``static/js/facade.js``
swaps in the player. The CSP's ``frame-src`` allows ``EMBED_ORIGIN`` and nothing else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

EMBED_ORIGIN = "https://www.youtube-nocookie.com"
YOUTUBE_HOSTS = frozenset(
    {
        "youtube.com",
        "www.youtube.com",
        "m.youtube.com",
        "youtube-nocookie.com",
        "www.youtube-nocookie.com",
    }
)
SHORT_HOSTS = frozenset({"youtu.be", "www.youtu.be"})
# /live/<id>, /embed/<id>, /shorts/<id>, /v/<id>
PATH_PREFIXES = frozenset({"live", "embed", "shorts", "v"})
VIDEO_ID = re.compile(r"[A-Za-z0-9_-]{11}")


def youtube_id(url: str) -> str | None:
    """The video id of a YouTube address, else None.

    Knows youtu.be/<id>, youtube.com/watch?v=<id>, /live/<id>, /embed/<id>,
    /shorts/<id> and /v/<id>, on www., m. and the nocookie host, over http or https.
    """
    try:
        parts = urlsplit((url or "").strip())
    except ValueError:
        return None
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https"):
        return None
    segments = [segment for segment in parts.path.split("/") if segment]
    candidate = ""
    if host in SHORT_HOSTS and segments:
        candidate = segments[0]
    elif host in YOUTUBE_HOSTS:
        if segments == ["watch"]:
            candidate = parse_qs(parts.query).get("v", [""])[0]
        elif len(segments) >= 2 and segments[0] in PATH_PREFIXES:
            candidate = segments[1]
    return candidate if VIDEO_ID.fullmatch(candidate) else None


def embed_url(video_id: str) -> str:
    return f"{EMBED_ORIGIN}/embed/{video_id}"


@dataclass(frozen=True)
class Video:
    """A video to show: ``url`` is where the link goes; ``embed`` the player's
    address when it can play in place ("" for other hosts: a plain link)."""

    url: str
    embed: str = ""


def video(url: str) -> Video | None:
    if not url:
        return None
    video_id = youtube_id(url)
    return Video(url=url, embed=embed_url(video_id) if video_id else "")
