"""Plain consumers of other services' events."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from greenmarket.infra.messaging.consumer import ConsumerRunner, idempotent_consumer
from greenmarket.schemas import Envelope
from greenmarket.schemas.events.product import ReviewPosted
from greenmarket.user import lifecycle

REVIEW_COUNTER = "user-review-counter"


async def on_product_event(session: AsyncSession, envelope: Envelope) -> None:
    if envelope.type != ReviewPosted.type_name:
        return  # product.events carries many types; only reviews matter here
    review = ReviewPosted.parse(envelope)
    await lifecycle.count_review(session, review.article_id, review.seller_id)


def review_counter(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    bootstrap_servers: str,
    topic_prefix: str = "",
    max_attempts: int = 3,
) -> ConsumerRunner:
    return idempotent_consumer(
        REVIEW_COUNTER,
        ["product.events"],
        sessionmaker,
        bootstrap_servers=bootstrap_servers,
        topic_prefix=topic_prefix,
        handler=on_product_event,
        max_attempts=max_attempts,
    )
