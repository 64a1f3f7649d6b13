"""Helpers the use cases share: load an article's state, publish its events."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from greenmarket.infra.messaging.outbox import Outbox
from greenmarket.product.domain import ArticleState, Status
from greenmarket.product.models import article_images, articles
from greenmarket.schemas import Message
from greenmarket.schemas.events.product import ProductStatusChanged

PRODUCER = "product"
outbox = Outbox()


async def publish(session: AsyncSession, event: Message, article_id: int) -> None:
    await outbox.add(session, event.envelope(aggregate_id=article_id, producer=PRODUCER))


def state_of(row) -> ArticleState:
    return ArticleState(
        id=row.id,
        seller_id=row.seller_id,
        status=Status(row.status),
        buyer_id=row.buyer_id,
        trade_id=row.trade_id,
        deleted=row.deleted_at is not None,
        hidden=row.hidden_reason is not None,
    )


async def load_state(session: AsyncSession, article_id: int, *, for_update: bool = False) -> ArticleState | None:
    query = select(articles).where(articles.c.id == article_id)
    if for_update:
        # Serializes an owner's edit with the saga participant's reserve/sell on the same row.
        query = query.with_for_update()
    row = (await session.execute(query)).first()
    return state_of(row) if row is not None else None


async def first_thumb(session: AsyncSession, article_id: int) -> str | None:
    return (
        await session.execute(
            select(article_images.c.thumb_url)
            .where(article_images.c.article_id == article_id)
            .order_by(article_images.c.position)
            .limit(1)
        )
    ).scalar()


async def publish_status_change(
    session: AsyncSession, article: ArticleState, status: Status, *, buyer_id: int | None, trade_id: str | None
) -> None:
    await publish(
        session,
        ProductStatusChanged(
            article_id=article.id,
            seller_id=article.seller_id,
            status=status.value,
            previous_status=article.status.value,
            buyer_id=buyer_id,
            trade_id=trade_id,
        ),
        article.id,
    )
