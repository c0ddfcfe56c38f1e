"""Image files made in memory for upload tests."""

import functools
import io
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

GPS_IFD = 0x8825
ORIENTATION = 0x0112


def image_bytes(mode="RGB", size=(800, 600), color="red", fmt="JPEG", **save):
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, fmt, **save)
    return out.getvalue()


def jpeg_with_gps(size=(800, 600)):
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    gps = exif.get_ifd(GPS_IFD)
    gps[1] = "N"
    gps[2] = (55.0, 45.0, 21.0)
    gps[3] = "E"
    gps[4] = (37.0, 37.0, 4.0)
    return image_bytes(size=size, exif=exif.tobytes())


def jpeg_rotated_6(side=100):
    """Stored landscape (2·side × side), left half red and right half blue, EXIF
    orientation 6.

    Shown upright it is portrait: red on top, blue below.
    """
    image = Image.new("RGB", (2 * side, side), "blue")
    image.paste((255, 0, 0), (0, 0, side, side))
    exif = Image.Exif()
    exif[ORIENTATION] = 6
    out = io.BytesIO()
    image.save(out, "JPEG", quality=95, exif=exif.tobytes())
    return out.getvalue()


def animated(fmt="GIF"):
    frames = [Image.new("RGB", (120, 120), color) for color in ("lime", "red", "blue")]
    out = io.BytesIO()
    frames[0].save(out, fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)
    return out.getvalue()


def _png(width, height, bit_depth, color_type, row_bytes, level=9):
    """A valid PNG of width×height pixels, all bytes zero, made without Pillow
    (which would hold every pixel in memory to encode it)."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    row = b"\0" * (1 + row_bytes)
    compressor = zlib.compressobj(level)
    idat = b"".join(compressor.compress(row) for _ in range(height)) + compressor.flush()
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


@functools.cache
def png_bomb(width=30000, height=30000):
    """A valid 1-bit PNG of width×height pixels, about 100 KB on disk."""
    return _png(width, height, bit_depth=1, color_type=0, row_bytes=(width + 7) // 8)


@functools.cache
def rgba_png(width, height):
    """A valid RGBA PNG of width×height transparent pixels: 4 bytes a pixel once
    decoded, a few hundred KB on disk (6400×6250: 40 megapixels, 160 MB decoded)."""
    return _png(width, height, bit_depth=8, color_type=6, row_bytes=4 * width, level=1)


def upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type=content_type)
