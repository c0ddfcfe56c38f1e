"""Speaker photos: check an upload with Pillow and store clean, fixed-size copies.

An upload is read into memory (at most ``MAX_UPLOAD_BYTES``), verified, decoded
under a pixel limit, turned upright from its EXIF orientation, converted to RGB
(first frame of an animation), shrunk, cropped to squares and re-encoded as WebP
from the bare pixels, so no metadata (EXIF, GPS, XMP, ICC, comments) survives. The
stored files get generated names; the uploader's file name is never used.

Memory: a file of a few hundred KB can describe a huge image, so the pixel count
is read from the header and checked before any pixel is decoded. Pillow holds at
most 4 bytes a pixel in the modes of these formats, so a full-size frame takes at
most 100 MB (``MAX_PIXELS``). A JPEG is decoded at 1/2 to 1/8 scale when that
still leaves enough pixels; other images are decoded whole (WebP's decoder needs
up to four such frames while it works), flattened to RGB with at most two more
full-size frames (a palette with transparency), then shrunk to a working size
before the crops. So one upload needs at most about 400 MB, usually far less.

Files are written and deleted through the field's storage API only, so the same
code works with the local file system and with S3-like storages.
"""

from __future__ import annotations

import io
import struct
import warnings
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 25_000_000
ACCEPTED_FORMATS = ("JPEG", "PNG", "WEBP")
LARGE_SIZE = 400
SMALL_SIZE = 96
# The short side kept for the crops: twice the larger crop, so that the final
# resampling still has pixels to average.
WORKING_SIZE = 2 * LARGE_SIZE
OUTPUT_FORMAT = "WEBP"
OUTPUT_EXTENSION = "webp"

# Pillow warns above this many pixels and refuses above twice as many; the
# warning is turned into an error below, so nothing larger is ever decoded.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS

TOO_BIG = _("The photo is larger than 10 MB. Please upload a smaller file.")
NOT_AN_IMAGE = _(
    "This file is not a JPEG, PNG or WebP image. Please upload a photo in one of these."
)
DAMAGED = _("This image file is damaged or incomplete. Please upload it again or export it anew.")
TOO_MANY_PIXELS = lazy(
    lambda: (
        gettext(
            "The image has too many pixels (over %(megapixels)s megapixels). "
            "Please upload a smaller version."
        )
        % {"megapixels": MAX_PIXELS // 1_000_000}
    ),
    str,
)()
EMPTY = _("The file is empty.")


class PhotoRejected(ValueError):
    """The upload cannot be used as a photo; ``str(error)`` is the message for the user."""


@dataclass(frozen=True)
class ProcessedPhoto:
    large: bytes
    small: bytes


def process_photo(upload) -> ProcessedPhoto:
    """Check ``upload`` (a Django ``File`` or any binary file object) and return clean copies.

    Raises ``PhotoRejected`` with a message for the user; never anything else for
    bad input.
    """
    size = getattr(upload, "size", None)
    if size is not None and size > MAX_UPLOAD_BYTES:
        raise PhotoRejected(TOO_BIG)
    if hasattr(upload, "seek"):
        upload.seek(0)
    data = upload.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise PhotoRejected(TOO_BIG)
    if not data:
        raise PhotoRejected(EMPTY)

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = _decode(data)
        except PhotoRejected:
            raise
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
            raise PhotoRejected(TOO_MANY_PIXELS) from error
        except UnidentifiedImageError as error:
            raise PhotoRejected(NOT_AN_IMAGE) from error
        except (OSError, SyntaxError, ValueError, EOFError, IndexError, struct.error) as error:
            raise PhotoRejected(DAMAGED) from error

    return ProcessedPhoto(large=_square(image, LARGE_SIZE), small=_square(image, SMALL_SIZE))


def _decode(data: bytes) -> Image.Image:
    """The first frame of the image in ``data``, upright, as RGB, shrunk to a working size."""
    # verify() checks the structure without decoding; it leaves the object unusable,
    # hence the second open. Image.open only reads the header, so the pixel limit
    # is checked before any pixel is decoded.
    with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as probe:
        _check_pixels(probe)
        probe.verify()
    with Image.open(io.BytesIO(data), formats=ACCEPTED_FORMATS) as image:
        _check_pixels(image)
        if getattr(image, "is_animated", False):
            image.seek(0)
        # JPEG only: decode at the smallest of 1/8, 1/4, 1/2 scale that keeps both
        # sides at least WORKING_SIZE.
        image.draft(None, (WORKING_SIZE, WORKING_SIZE))
        # Decodes every pixel: a truncated file fails here (LOAD_TRUNCATED_IMAGES is off).
        image.load()
        # In place: without an orientation, a new image would be a full-size copy.
        ImageOps.exif_transpose(image, in_place=True)
        return _shrunk(_to_rgb(image))


def _check_pixels(image: Image.Image) -> None:
    width, height = image.size
    if width < 1 or height < 1:
        raise PhotoRejected(DAMAGED)
    if width * height > MAX_PIXELS:
        raise PhotoRejected(TOO_MANY_PIXELS)


def _to_rgb(image: Image.Image) -> Image.Image:
    """RGB; transparent areas become white, CMYK, palette and grey images are converted."""
    if image.mode == "RGB":
        return image
    has_alpha = image.mode in ("RGBA", "LA", "PA", "RGBa", "La") or (
        image.mode == "P" and "transparency" in image.info
    )
    if has_alpha:
        # RGBA and LA paste onto RGB as they are (no full-size copy); the mask is
        # their alpha band.
        source = image if image.mode in ("RGBA", "LA") else image.convert("RGBA")
        background = Image.new("RGB", source.size, (255, 255, 255))
        background.paste(source, mask=source)
        return background
    if image.mode in ("I", "I;16", "I;16B", "I;16L", "F"):
        # 16-bit and float greys: scale to 8 bits before the RGB conversion.
        image = image.point(lambda value: value / 256).convert("L")
    return image.convert("RGB")


def _shrunk(image: Image.Image) -> Image.Image:
    """``image`` averaged down by a whole factor to a short side of at least WORKING_SIZE,
    so that the two crops resample a small image, not the whole upload twice."""
    factor = min(image.size) // WORKING_SIZE
    return image.reduce(factor) if factor >= 2 else image


def _square(image: Image.Image, size: int) -> bytes:
    """A centred ``size``×``size`` crop, encoded from the bare pixels (no metadata at all)."""
    fitted = ImageOps.fit(image, (size, size), Image.Resampling.LANCZOS)
    bare = Image.frombytes("RGB", fitted.size, fitted.tobytes())
    out = io.BytesIO()
    bare.save(out, OUTPUT_FORMAT, quality=85, method=4)
    return out.getvalue()


# ---------------------------------------------------------------------------
# Storing on a speaker


def store_speaker_photo(speaker, photo: ProcessedPhoto | None) -> list[str]:
    """Point ``speaker.photo``/``photo_small`` at new files, or at none when ``photo`` is None.

    The new files are written now; the speaker is not saved. Returns the names of
    the files they replace: pass them to ``delete_replaced_files()`` after saving.
    """
    old_names = [name for name in (speaker.photo.name, speaker.photo_small.name) if name]
    if photo is None:
        speaker.photo = ""
        speaker.photo_small = ""
        return old_names
    # The name only gives the extension; speaker_photo_path() generates the rest.
    name = f"photo.{OUTPUT_EXTENSION}"
    speaker.photo.save(name, ContentFile(photo.large), save=False)
    speaker.photo_small.save(name, ContentFile(photo.small), save=False)
    return old_names


def delete_replaced_files(speaker, names: list[str]) -> None:
    """Delete files the speaker no longer uses, once the transaction has committed."""
    storage = speaker._meta.get_field("photo").storage
    in_use = {speaker.photo.name, speaker.photo_small.name}
    stale = [name for name in names if name and name not in in_use]

    def delete():
        for name in stale:
            storage.delete(name)

    if stale:
        transaction.on_commit(delete)
