"""`user.events` → start the account-deletion saga with the id the user service chose."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from greenmarket.infra.messaging.consumer import ConsumerRunner, idempotent_consumer
from greenmarket.sagas.deletion.saga import ACCOUNT_DELETION
from greenmarket.sagas.runtime.engine import SagaEngine
from greenmarket.schemas import Envelope
from greenmarket.schemas.events.user import AccountDeletionRequested

CONSUMER = "sagas-account-deletion"


def deletion_handler(engine: SagaEngine):
    async def handle(session: AsyncSession, envelope: Envelope) -> None:
        if envelope.type != AccountDeletionRequested.type_name:
            return  # user.events carries other events too
        request = AccountDeletionRequested.parse(envelope)
        # start() ignores a saga id it already has: a second request event starts nothing.
        await engine.start(
            session,
            ACCOUNT_DELETION,
            {"userId": request.user_id},
            saga_id=request.saga_id,
            subject_user_id=request.user_id,
        )

    return handle


def deletion_runner(
    engine: SagaEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    bootstrap_servers: str,
    topic_prefix: str = "",
) -> ConsumerRunner:
    return idempotent_consumer(
        CONSUMER,
        ["user.events"],
        sessionmaker,
        bootstrap_servers=bootstrap_servers,
        topic_prefix=topic_prefix,
        handler=deletion_handler(engine),
    )
