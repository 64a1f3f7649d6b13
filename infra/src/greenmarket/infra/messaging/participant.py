"""The participant side of a saga: handle a command once, reply through the outbox.

A service registers one async function per command type. Each command is handled inside the
consumer's transaction (so the `(consumer, commandId)` record, the effect and the reply commit
together). A handler refuses with `CommandRefused`: its partial effect is rolled back to a
savepoint and a FAILURE reply is written instead, so the orchestrator always hears back.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from greenmarket.infra.messaging.consumer import ConsumerRunner, idempotent_consumer
from greenmarket.infra.messaging.outbox import Outbox
from greenmarket.schemas import Envelope, Message, message_class
from greenmarket.schemas.commands import CommandReply

log = logging.getLogger(__name__)

CommandHandler = Callable[[AsyncSession, Any], Awaitable[dict[str, Any] | None]]


class CommandRefused(Exception):
    """The participant will not do this (a business rule): the saga compensates."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Participant:
    def __init__(self, service: str, handlers: dict[type[Message], CommandHandler]) -> None:
        self.service = service
        self.handlers = {cls.type_name: handler for cls, handler in handlers.items()}
        self.outbox = Outbox()

    @property
    def consumer_name(self) -> str:
        return f"{self.service}-participant"

    async def handle(self, session: AsyncSession, envelope: Envelope) -> None:
        outcome, reason, data = "SUCCESS", None, {}
        handler = self.handlers.get(envelope.type)
        if handler is None:
            outcome, reason = "FAILURE", f"{self.service} does not handle {envelope.type}"
        else:
            command = message_class(envelope.type, envelope.version).parse(envelope)
            savepoint = await session.begin_nested()
            try:
                data = await handler(session, command) or {}
                await savepoint.commit()
            except CommandRefused as refusal:
                await savepoint.rollback()
                outcome, reason = "FAILURE", refusal.reason
                log.info("refused %s %s: %s", envelope.type, envelope.event_id, refusal.reason)
        reply = CommandReply(
            command_id=str(envelope.event_id),
            command_type=envelope.type,
            saga_id=envelope.aggregate_id,
            outcome=outcome,
            reason=reason,
            data=data,
        )
        await self.outbox.add(
            session,
            reply.envelope(
                aggregate_id=envelope.aggregate_id,
                producer=self.service,
                correlation_id=envelope.correlation_id or envelope.aggregate_id,
                causation_id=str(envelope.event_id),
            ),
        )

    def runner(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        bootstrap_servers: str,
        topic_prefix: str = "",
        max_attempts: int = 3,
    ) -> ConsumerRunner:
        return idempotent_consumer(
            self.consumer_name,
            [f"{self.service}.commands"],
            sessionmaker,
            bootstrap_servers=bootstrap_servers,
            topic_prefix=topic_prefix,
            handler=self.handle,
            max_attempts=max_attempts,
        )
