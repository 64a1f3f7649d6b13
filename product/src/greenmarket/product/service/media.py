"""Article photos on disk: decode and store before the transaction, clean up whatever way it ends.

Files are written first and the rows after, so a row never points to a missing file. If the
transaction fails, `StagedImages` deletes the files it wrote; files of replaced or deleted
images are deleted only after the commit, so a rollback never loses a photo still in use.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime

from greenmarket.infra.images import MediaStore, ProcessedImage, decode_with_thumbnail
from greenmarket.infra.web.problems import Problem
from greenmarket.product.domain import MAX_IMAGES


@dataclass(frozen=True)
class StoredImage:
    url: str
    thumb_url: str
    width: int
    height: int


def check_image_count(count: int) -> None:
    if not 1 <= count <= MAX_IMAGES:
        raise Problem(
            422,
            f"An article has 1 to {MAX_IMAGES} images.",
            title="Validation failed",
            errors=[{"field": "files", "message": f"give 1 to {MAX_IMAGES} images (got {count})"}],
        )


def decode_all(uploads: list[bytes], max_side: int, thumb_side: int) -> list[tuple[ProcessedImage, ProcessedImage]]:
    """Every upload decoded (415/413 on the first bad one) before anything is written."""
    return [decode_with_thumbnail(data, max_side, thumb_side) for data in uploads]


@dataclass
class StagedImages:
    store: MediaStore
    written: list[str] = field(default_factory=list)

    def save(self, decoded: list[tuple[ProcessedImage, ProcessedImage]]) -> list[StoredImage]:
        folder = "products/" + datetime.now(UTC).strftime("%Y%m%d")
        stored = []
        for image, thumb in decoded:
            url = self.store.save(folder, image)
            self.written.append(url)
            thumb_url = self.store.save(folder, thumb)
            self.written.append(thumb_url)
            stored.append(StoredImage(url, thumb_url, image.width, image.height))
        return stored

    def discard(self) -> None:
        for url in self.written:
            self.store.delete(url)
        self.written.clear()


async def decode_uploads(uploads: list[bytes], max_side: int, thumb_side: int):
    # Pillow work is CPU-bound: keep it off the event loop.
    return await asyncio.to_thread(decode_all, uploads, max_side, thumb_side)


def delete_files(store: MediaStore, urls: list[str]) -> None:
    for url in urls:
        store.delete(url)
