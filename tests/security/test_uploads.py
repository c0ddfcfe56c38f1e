"""A small upload must not decode to a huge image: the pixel limit is read from the
file's header and a file over it is refused before any pixel is decoded."""

import pytest
from PIL import Image, ImageFile, WebPImagePlugin

from schedule import images
from schedule.images import PhotoRejected, process_photo
from tests.images import png_bomb, rgba_png, upload

TOO_MANY_PIXELS = r"The image has too many pixels \(over 25 megapixels\)"


@pytest.fixture
def no_decoding(monkeypatch):
    """Fail the test if any image's pixels are decoded."""

    def decoded(image):
        pytest.fail(f"decoded a {image.format} image of {image.size[0]}×{image.size[1]} pixels")

    for image_class in (ImageFile.ImageFile, WebPImagePlugin.WebPImageFile):
        monkeypatch.setattr(image_class, "load", decoded)


def test_limit_is_25_megapixels_of_at_most_4_bytes_each():
    assert images.MAX_PIXELS == 25_000_000
    assert Image.MAX_IMAGE_PIXELS == images.MAX_PIXELS


def test_small_png_of_40_megapixels_is_refused_without_decoding(no_decoding):
    data = rgba_png(6400, 6250)  # 160 MB once decoded
    assert len(data) < 1024 * 1024
    with pytest.raises(PhotoRejected, match=TOO_MANY_PIXELS):
        process_photo(upload(data, name="small.png", content_type="image/png"))


@pytest.mark.parametrize("make_png", [rgba_png, png_bomb], ids=["rgba", "1-bit"])
def test_one_row_over_25_megapixels_is_refused_without_decoding(no_decoding, make_png):
    data = make_png(5001, 5000)
    with pytest.raises(PhotoRejected, match=TOO_MANY_PIXELS):
        process_photo(upload(data, name="big.png", content_type="image/png"))
