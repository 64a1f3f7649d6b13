"""The transactional outbox: events are rows written in the caller's transaction."""

from __future__ import annotations

from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession

from greenmarket.infra.logging import correlation_id
from greenmarket.infra.messaging.codec import new_traceparent
from greenmarket.infra.messaging.tables import OUTBOX
from greenmarket.schemas import Envelope, message_class


class Outbox:
    """`await outbox.add(session, envelope)` inside the transaction that makes the change."""

    async def add(self, session: AsyncSession, envelope: Envelope, *, topic: str | None = None) -> None:
        await self.add_many(session, [envelope], topic=topic)

    async def add_many(self, session: AsyncSession, envelopes: list[Envelope], *, topic: str | None = None) -> None:
        if not envelopes:
            return
        rows = []
        for envelope in envelopes:
            if envelope.correlation_id is None and (cid := correlation_id.get()) is not None:
                envelope = envelope.model_copy(update={"correlation_id": cid})
            rows.append(
                {
                    "event_id": envelope.event_id,
                    # Logical topic name: the relay adds its deployment's prefix when it publishes.
                    "topic": topic or message_class(envelope.type, envelope.version).topic,
                    "message_key": envelope.key,
                    "envelope": envelope.to_wire(),
                    "traceparent": new_traceparent(),
                }
            )
        await session.execute(insert(OUTBOX), rows)
