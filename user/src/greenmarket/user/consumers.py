"""Plain consumers of other services' events."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from greenmarket.infra.messaging.consumer import ConsumerRunner, IdempotentProcessor
from greenmarket.infra.messaging.dead_letters import DeadLetterPublisher
from greenmarket.infra.messaging.topics import topic_name
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
    processor = IdempotentProcessor(
        REVIEW_COUNTER,
        sessionmaker,
        DeadLetterPublisher(bootstrap_servers),
        handler=on_product_event,
        max_attempts=max_attempts,
    )
    return ConsumerRunner(
        bootstrap_servers=bootstrap_servers,
        group_id=f"{topic_prefix}{REVIEW_COUNTER}",
        topics=[topic_name("product.events", topic_prefix)],
        processor=processor,
    )
