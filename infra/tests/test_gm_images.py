"""Uploaded images: decoded by content, re-encoded without metadata, bounded in bytes and pixels."""

import io
import struct
import zlib

import pytest
from PIL import Image

from greenmarket.infra.images import MAX_UPLOAD_BYTES, MediaStore, decode_and_reencode, decode_with_thumbnail
from greenmarket.infra.web.problems import Problem


def png_bytes(size=(800, 600), mode="RGB") -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, (10, 200, 30) if mode == "RGB" else (10, 200, 30, 128)).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_with_exif() -> bytes:
    image = Image.new("RGB", (300, 200), (200, 10, 10))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # orientation: rotate 90° to display
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    return buffer.getvalue()


def test_an_image_is_reencoded_to_jpeg_within_bounds():
    processed = decode_and_reencode(png_bytes(), 256)
    assert (processed.width, processed.height) == (256, 192)
    assert Image.open(io.BytesIO(processed.content)).format == "JPEG"


def test_exif_is_stripped_and_orientation_applied():
    processed = decode_and_reencode(jpeg_with_exif(), 1024)
    assert (processed.width, processed.height) == (200, 300)
    assert not Image.open(io.BytesIO(processed.content)).getexif()


def test_transparent_images_get_a_white_background():
    processed, thumb = decode_with_thumbnail(png_bytes((100, 100), "RGBA"), 1024, 32)
    assert (thumb.width, thumb.height) == (32, 32)
    assert Image.open(io.BytesIO(processed.content)).mode == "RGB"


@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"%PDF-1.4 not an image", 415),
        (b"", 415),
        (png_bytes()[:100], 415),  # truncated
        (b"\0" * (MAX_UPLOAD_BYTES + 1), 413),
    ],
)
def test_bad_uploads_are_refused(data, status):
    with pytest.raises(Problem) as refused:
        decode_and_reencode(data, 256)
    assert refused.value.status == status


def test_a_decompression_bomb_is_refused_before_decoding():
    # A tiny PNG whose header claims 50000×50000 pixels.
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    bomb = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 50000, 50000, 8, 2, 0, 0, 0))
    bomb += chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")
    with pytest.raises(Problem) as refused:
        decode_and_reencode(bomb, 256)
    assert refused.value.status == 413


def test_media_store_saves_and_deletes_only_inside_its_root(tmp_path):
    store = MediaStore(tmp_path, "/media")
    url = store.save("avatars", decode_and_reencode(png_bytes(), 64))
    path = store.path_for(url)
    assert url.startswith("/media/avatars/") and path.exists()
    store.delete(url)
    assert not path.exists()
    assert store.path_for("/media/../etc/passwd") is None
    store.delete("/elsewhere/file.jpg")  # ignored, never raises
