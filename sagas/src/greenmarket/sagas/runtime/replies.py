"""The reply consumer: `saga.replies` → engine.on_reply, idempotent by the reply's eventId."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from greenmarket.infra.messaging.consumer import ConsumerRunner, idempotent_consumer
from greenmarket.infra.messaging.topics import REPLY_TOPIC
from greenmarket.sagas.runtime.engine import SagaEngine

CONSUMER = "sagas-replies"


def reply_runner(
    engine: SagaEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    bootstrap_servers: str,
    topic_prefix: str = "",
    max_attempts: int = 3,
) -> ConsumerRunner:
    return idempotent_consumer(
        CONSUMER,
        [REPLY_TOPIC],
        sessionmaker,
        bootstrap_servers=bootstrap_servers,
        topic_prefix=topic_prefix,
        handler=engine.on_reply,
        max_attempts=max_attempts,
    )
