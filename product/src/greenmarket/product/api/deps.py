"""What the routes take from the app: sessions, the media store, settings."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from greenmarket.infra.images import MAX_UPLOAD_BYTES, MediaStore
from greenmarket.product.settings import ProductSettings

MAX_ID = 2**63 - 1


def sessionmaker(request: Request):
    return request.app.state.sessionmaker


async def session(request: Request) -> AsyncIterator[AsyncSession]:
    async with request.app.state.sessionmaker() as db:
        yield db


def media_store(request: Request) -> MediaStore:
    return request.app.state.media_store


def settings(request: Request) -> ProductSettings:
    return request.app.state.settings


async def read_uploads(files) -> list[bytes]:
    # Read one byte past the limit: enough for decode to answer 413 without buffering a huge file.
    return [await upload.read(MAX_UPLOAD_BYTES + 1) for upload in files]
