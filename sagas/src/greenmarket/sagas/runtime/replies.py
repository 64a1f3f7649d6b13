"""The reply consumer: `saga.replies` → engine.on_reply, idempotent by the reply's eventId."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from greenmarket.infra.messaging.consumer import ConsumerRunner, IdempotentProcessor
from greenmarket.infra.messaging.dead_letters import DeadLetterPublisher
from greenmarket.infra.messaging.topics import REPLY_TOPIC, topic_name
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
    processor = IdempotentProcessor(
        CONSUMER,
        sessionmaker,
        DeadLetterPublisher(bootstrap_servers),
        handler=engine.on_reply,
        max_attempts=max_attempts,
    )
    return ConsumerRunner(
        bootstrap_servers=bootstrap_servers,
        group_id=f"{topic_prefix}{CONSUMER}",
        topics=[topic_name(REPLY_TOPIC, topic_prefix)],
        processor=processor,
    )
