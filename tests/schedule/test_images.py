import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from schedule import images
from schedule.images import PhotoRejected, process_photo
from tests.factories import make_speaker
from tests.images import (
    GPS_IFD,
    animated,
    image_bytes,
    jpeg_rotated_6,
    jpeg_with_gps,
    png_bomb,
    upload,
)


def opened(data):
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def assert_clean_square(data, size):
    image = opened(data)
    assert image.format == "WEBP"
    assert image.size == (size, size)
    assert image.mode == "RGB"
    assert not image.getexif()
    assert not {"exif", "icc_profile", "xmp"} & set(image.info)


def near(pixel, color, tolerance=40):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, color, strict=True))


RED, BLUE, LIME, WHITE = (255, 0, 0), (0, 0, 255), (0, 255, 0), (255, 255, 255)


def test_jpeg_with_gps_comes_out_resized_without_any_exif():
    source = jpeg_with_gps()
    assert opened(source).getexif().get_ifd(GPS_IFD)  # the input really carries GPS

    photo = process_photo(upload(source))

    assert_clean_square(photo.large, 400)
    assert_clean_square(photo.small, 96)
    assert b"SecretCam" not in photo.large + photo.small


@pytest.mark.parametrize("side", [100, 1600], ids=["small", "large"])
def test_exif_orientation_6_comes_out_upright(side):
    photo = process_photo(upload(jpeg_rotated_6(side)))
    image = opened(photo.large)
    # Upright the picture is portrait, red above blue; the square crop keeps the middle.
    assert near(image.getpixel((200, 20)), RED)
    assert near(image.getpixel((200, 380)), BLUE)
    # Ignoring the orientation would give red on the left and blue on the right.
    assert near(image.getpixel((20, 200)), image.getpixel((380, 200)))


@pytest.mark.parametrize("fmt", ["PNG", "WEBP"])
def test_png_and_webp_are_accepted(fmt):
    photo = process_photo(upload(image_bytes(fmt=fmt, color="blue"), name=f"x.{fmt.lower()}"))
    assert_clean_square(photo.large, 400)
    assert near(opened(photo.large).getpixel((200, 200)), BLUE)


def test_cmyk_jpeg_is_converted_to_rgb():
    photo = process_photo(upload(image_bytes(mode="CMYK", color=(0, 255, 255, 0))))
    assert_clean_square(photo.large, 400)
    assert near(opened(photo.large).getpixel((200, 200)), RED)


@pytest.mark.parametrize(
    ("mode", "color", "fmt"),
    [("P", 3, "PNG"), ("LA", (0, 0), "PNG"), ("RGBA", (0, 0, 255, 0), "PNG"), ("L", 0, "PNG")],
)
def test_palette_grey_and_transparent_images_become_rgb(mode, color, fmt):
    photo = process_photo(upload(image_bytes(mode=mode, color=color, fmt=fmt)))
    image = opened(photo.large)
    assert image.mode == "RGB"
    if mode in ("LA", "RGBA"):
        assert near(image.getpixel((200, 200)), WHITE)  # transparent areas turn white


def test_animated_webp_keeps_the_first_frame():
    photo = process_photo(upload(animated("WEBP"), name="a.webp"))
    image = opened(photo.large)
    assert getattr(image, "n_frames", 1) == 1
    assert near(image.getpixel((200, 200)), LIME)


def test_animated_gif_is_refused_as_not_an_accepted_format():
    with pytest.raises(PhotoRejected, match="not a JPEG, PNG or WebP"):
        process_photo(upload(animated("GIF"), name="a.gif"))


def test_animated_png_keeps_the_first_frame():
    photo = process_photo(upload(animated("PNG"), name="a.png"))
    assert near(opened(photo.large).getpixel((200, 200)), LIME)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"This is a text file, not a photo.\n" * 20, "not a JPEG, PNG or WebP"),
        (image_bytes(fmt="PNG")[:300], "damaged or incomplete"),
        (image_bytes(fmt="JPEG", size=(1200, 900))[:2000], "damaged or incomplete"),
        (b"\xff\xd8" + b"\0" * (20 * 1024 * 1024), "larger than 10 MB"),
        (png_bomb(), "too many pixels"),
        (b"", "empty"),
    ],
    ids=["text", "truncated-png", "truncated-jpeg", "20mb", "bomb", "empty"],
)
def test_bad_files_are_refused_with_a_clear_message(data, message):
    with pytest.raises(PhotoRejected, match=message):
        process_photo(upload(data))


def test_large_but_allowed_pixel_count_passes_and_limit_is_set():
    assert Image.MAX_IMAGE_PIXELS == images.MAX_PIXELS
    photo = process_photo(upload(image_bytes(size=(4000, 3000), fmt="PNG")))
    assert_clean_square(photo.large, 400)


@pytest.mark.parametrize(
    ("fmt", "size", "working_size"),
    [
        ("JPEG", (4000, 3000), (2000, 1500)),  # decoded at 1/2 scale
        ("PNG", (4000, 3000), (1334, 1000)),  # decoded whole, averaged down by 3
        ("JPEG", (1000, 600), (1000, 600)),  # small enough already
    ],
)
def test_large_images_are_decoded_or_shrunk_to_a_working_size(fmt, size, working_size):
    """The crops resample a small image, never the whole upload."""
    assert images._decode(image_bytes(size=size, fmt=fmt)).size == working_size


@pytest.mark.django_db
def test_storing_uses_generated_names_and_deletes_replaced_files(
    settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    speaker = make_speaker()
    first = process_photo(upload(image_bytes(), name="../../etc/My Secret Name.jpg"))
    images.store_speaker_photo(speaker, first)
    speaker.save()
    old = [speaker.photo.name, speaker.photo_small.name]
    assert all(name.startswith("speakers/") and name.endswith(".webp") for name in old)
    assert not any("Secret" in name or ".." in name for name in old)

    with django_capture_on_commit_callbacks(execute=True):
        replaced = images.store_speaker_photo(speaker, process_photo(upload(image_bytes())))
        speaker.save()
        images.delete_replaced_files(speaker, replaced)

    assert replaced == old
    assert not any(default_storage.exists(name) for name in old)
    assert default_storage.exists(speaker.photo.name)
    assert default_storage.exists(speaker.photo_small.name)
