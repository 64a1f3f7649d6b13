"""Small local views of `product.events` and `chat.events`, for fast 403/404/409 answers.

They can lag behind; the trade saga's commands are what guarantee the rules.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from greenmarket.infra.messaging.consumer import ConsumerRunner, idempotent_consumer
from greenmarket.sagas.models import article_view, room_view
from greenmarket.schemas import Envelope

CONSUMER = "sagas-projections"
TOPICS = ("product.events", "chat.events")


async def apply_event(session: AsyncSession, envelope: Envelope) -> None:
    p = envelope.payload
    if envelope.type in ("ProductCreated", "ProductUpdated"):
        values = {"seller_id": p["sellerId"], "status": p["status"], "deleted": False}
        await session.execute(
            insert(article_view)
            .values(article_id=p["articleId"], **values)
            .on_conflict_do_update(index_elements=["article_id"], set_=values)
        )
    elif envelope.type == "ProductStatusChanged":
        values = {"seller_id": p["sellerId"], "status": p["status"]}
        await session.execute(
            insert(article_view)
            .values(article_id=p["articleId"], **values)
            .on_conflict_do_update(index_elements=["article_id"], set_=values)
        )
    elif envelope.type == "ProductDeleted":
        await session.execute(
            update(article_view).where(article_view.c.article_id == p["articleId"]).values(deleted=True)
        )
    elif envelope.type == "ChatRoomCreated":
        await session.execute(
            insert(room_view)
            .values(
                room_id=p["roomId"],
                article_id=p["articleId"],
                buyer_id=p["buyerId"],
                seller_id=p["sellerId"],
            )
            .on_conflict_do_nothing(index_elements=["room_id"])
        )
    elif envelope.type == "ChatRoomClosed":
        await session.execute(update(room_view).where(room_view.c.room_id == p["roomId"]).values(closed=True))


def projection_runner(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    bootstrap_servers: str,
    topic_prefix: str = "",
) -> ConsumerRunner:
    return idempotent_consumer(
        CONSUMER,
        TOPICS,
        sessionmaker,
        bootstrap_servers=bootstrap_servers,
        topic_prefix=topic_prefix,
        handler=apply_event,
    )
