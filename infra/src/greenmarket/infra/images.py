"""Uploaded images: decoded whatever their declared type, re-encoded without metadata.

The declared content type is never trusted: Pillow decides what a file is. Re-encoding drops
EXIF (GPS positions in phone photos) and anything hidden after the image data.
"""

from __future__ import annotations

import io
import os
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageOps, UnidentifiedImageError

from greenmarket.infra.web.problems import Problem

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
ACCEPTED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}
# A 10 MB file can still declare a 60000×60000 canvas; refuse before decoding it.
MAX_PIXELS = 40_000_000


@dataclass(frozen=True)
class ProcessedImage:
    content: bytes
    width: int
    height: int
    extension: str = "jpg"


def _open(data: bytes) -> Image.Image:
    if len(data) > MAX_UPLOAD_BYTES:
        raise Problem(413, "An image may be at most 10 MB.")
    if not data:
        raise Problem(415, "The file is empty, not an image.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise Problem(415, "Only JPEG, PNG, WebP and GIF images are accepted.")
            if image.width * image.height > MAX_PIXELS:
                raise Problem(413, "The image has too many pixels.")
            image.load()
            return image
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise Problem(413, "The image has too many pixels.") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise Problem(415, "The file is not a readable image.") from None


def reencode(image: Image.Image, max_side: int, *, quality: int = 85) -> ProcessedImage:
    image = ImageOps.exif_transpose(image)  # keep the orientation the camera meant, then drop EXIF
    image.thumbnail((max_side, max_side), Image.Resampling.LANCZOS)
    if image.mode not in ("RGB", "L"):
        background = Image.new("RGB", image.size, (255, 255, 255))
        rgba = image.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        image = background
    buffer = io.BytesIO()
    image.convert("RGB").save(buffer, "JPEG", quality=quality, optimize=True)
    return ProcessedImage(buffer.getvalue(), image.width, image.height, "jpg")


def decode_and_reencode(data: bytes, max_side: int) -> ProcessedImage:
    """Validate an upload and return it as a clean JPEG no larger than `max_side` on either side."""
    return reencode(_open(data), max_side)


def decode_with_thumbnail(data: bytes, max_side: int, thumb_side: int) -> tuple[ProcessedImage, ProcessedImage]:
    image = _open(data)
    return reencode(image.copy(), max_side), reencode(image, thumb_side, quality=75)


class MediaStore:
    """Files under the media root, served by the gateway at `url_prefix`."""

    def __init__(self, root: Path, url_prefix: str = "/media") -> None:
        self.root = Path(root)
        self.url_prefix = url_prefix.rstrip("/")

    def save(self, folder: str, image: ProcessedImage) -> str:
        """Write atomically (temp file + rename) and return the public URL."""
        relative = Path(folder) / f"{uuid.uuid4().hex}.{image.extension}"
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_suffix(".tmp")
        temporary.write_bytes(image.content)
        os.replace(temporary, target)
        return f"{self.url_prefix}/{relative.as_posix()}"

    def path_for(self, url: str) -> Path | None:
        if not url or not url.startswith(self.url_prefix + "/"):
            return None
        relative = Path(url[len(self.url_prefix) + 1 :])
        if relative.is_absolute() or ".." in relative.parts:
            return None
        return self.root / relative

    def delete(self, url: str | None) -> None:
        path = self.path_for(url or "")
        if path is not None:
            path.unlink(missing_ok=True)
