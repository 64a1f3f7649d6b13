"""Helpers for the product tests: images, article forms, a seeded article."""

from __future__ import annotations

import io
from typing import Any

from PIL import Image

from greenmarket.infra.testing.tokens import bearer


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (64, 48), color=(20, 160, 60)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, fmt)
    return buffer.getvalue()


def form(**overrides: Any) -> dict[str, Any]:
    fields = {
        "title": "아이폰 12 미니 팝니다",
        "content": "깨끗하게 사용했습니다. 직거래 선호",
        "price": "350000",
        "categoryId": "1",
        "address1": "서울특별시",
        "address2": "마포구",
    }
    fields.update({k: str(v) for k, v in overrides.items()})
    return fields


def files(count: int = 1, data: bytes | None = None) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (f"p{i}.png", data or image_bytes(), "image/png")) for i in range(count)]


async def create(client, seller_id: int = 1, *, image_count: int = 1, **fields) -> dict:
    response = await client.post(
        "/api/products", data=form(**fields), files=files(image_count), headers=bearer(seller_id)
    )
    assert response.status_code == 201, response.text
    return response.json()


async def insert_articles(sessionmaker, rows: list[dict[str, Any]]) -> list[int]:
    """Rows straight into the table (no images): fast set-up for listing tests."""
    from sqlalchemy import insert

    from greenmarket.product.models import articles

    defaults = {
        "seller_id": 1,
        "title": "물건",
        "content": "",
        "price": 1000,
        "category_id": 1,
        "address1": "서울특별시",
        "address2": "마포구",
    }
    ids = []
    async with sessionmaker() as session, session.begin():
        # One statement per row: an executemany would take its columns from the first row only.
        for row in rows:
            ids.append(
                (
                    await session.execute(insert(articles).values(**{**defaults, **row}).returning(articles.c.id))
                ).scalar_one()
            )
    return ids


async def outbox_events(sessionmaker, *types: str) -> list[dict]:
    """Envelopes written to the outbox (oldest first), optionally only of `types`."""
    from sqlalchemy import select

    from greenmarket.product.models import outbox

    async with sessionmaker() as session:
        rows = (await session.execute(select(outbox.c.envelope).order_by(outbox.c.id))).scalars().all()
    return [row for row in rows if not types or row["type"] in types]


async def produce(bootstrap_servers: str, topic: str, envelopes) -> None:
    """Put envelopes on a topic as the relay would (key, value, headers)."""
    from greenmarket.infra.messaging.clients import start_producer
    from greenmarket.infra.messaging.codec import encode_value, record_headers

    producer = await start_producer(bootstrap_servers)
    try:
        for envelope in envelopes:
            await producer.send_and_wait(
                topic, encode_value(envelope), key=envelope.key.encode(), headers=record_headers(envelope)
            )
    finally:
        await producer.stop()
