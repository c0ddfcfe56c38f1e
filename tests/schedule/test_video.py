"""YouTube addresses: the one parser that turns a stream or recording link into a player."""

import pytest

from schedule.video import EMBED_ORIGIN, Video, embed_url, video, youtube_id

ID = "othTjSowvqY"


@pytest.mark.parametrize(
    "url",
    [
        f"https://youtu.be/{ID}",
        f"https://youtu.be/{ID}?t=42",
        f"https://www.youtube.com/watch?v={ID}",
        f"https://youtube.com/watch?feature=share&v={ID}&t=1s",
        f"http://m.youtube.com/watch?v={ID}",
        f"https://www.youtube.com/live/{ID}?si=abc",
        f"https://www.youtube.com/embed/{ID}",
        f"https://www.youtube-nocookie.com/embed/{ID}",
        f"https://www.youtube.com/shorts/{ID}",
        f"  https://WWW.YouTube.com/watch?v={ID}  ",
    ],
)
def test_youtube_addresses_give_the_video_id(url):
    assert youtube_id(url) == ID


@pytest.mark.parametrize(
    "url",
    [
        "",
        "https://vimeo.com/123456789",
        f"https://youtube.com.evil.example/watch?v={ID}",
        f"https://evil.example/youtu.be/{ID}",
        "https://www.youtube.com/watch?v=short",
        "https://www.youtube.com/watch?v=othTjSowvqY<script>",
        "https://www.youtube.com/@channel/live",
        "https://www.youtube.com/playlist?list=PL123",
        f"javascript:alert(1)//youtu.be/{ID}",
        f"ftp://youtu.be/{ID}",
        "https://[::1/broken",
    ],
)
def test_other_addresses_are_not_youtube_videos(url):
    assert youtube_id(url) is None


def test_embed_is_on_the_privacy_enhanced_host():
    assert embed_url(ID) == f"https://www.youtube-nocookie.com/embed/{ID}"
    assert EMBED_ORIGIN == "https://www.youtube-nocookie.com"


def test_video_plays_youtube_in_place_and_links_anything_else():
    assert video(f"https://youtu.be/{ID}") == Video(
        url=f"https://youtu.be/{ID}", embed=f"https://www.youtube-nocookie.com/embed/{ID}"
    )
    assert video("https://vimeo.com/1") == Video(url="https://vimeo.com/1", embed="")
    assert video("") is None
