"""A test database with the messaging tables and an `effects` table that consumers write to."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, Integer, MetaData, String, Table, func, select, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.ext.asyncio import AsyncSession

from greenmarket.infra.db import create_engine, create_sessionmaker
from greenmarket.infra.messaging.tables import NOTIFY_FUNCTION_SQL, NOTIFY_TRIGGER_SQL, messaging_tables
from greenmarket.schemas import Envelope

metadata = MetaData()
messaging_tables(metadata)
EFFECTS = Table(
    "effects",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("event_id", UUID(as_uuid=True), nullable=False),  # not unique: a double effect must be visible
    Column("aggregate_id", String(50), nullable=False),
    Column("seq", Integer),
    Column("applied_at", DateTime(timezone=True), server_default=func.now()),
)


async def prepare(database_url: str):
    engine = create_engine(database_url, pool_size=5)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
        await connection.execute(text(NOTIFY_FUNCTION_SQL))
        await connection.execute(text(NOTIFY_TRIGGER_SQL))
    return engine, create_sessionmaker(engine)


async def record_effect(session: AsyncSession, envelope: Envelope) -> None:
    await session.execute(
        EFFECTS.insert().values(
            event_id=envelope.event_id, aggregate_id=envelope.aggregate_id, seq=envelope.payload.get("seq")
        )
    )


async def effect_counts(sessionmaker) -> dict[str, int]:
    """event id → how many times its effect was applied."""
    async with sessionmaker() as session:
        rows = await session.execute(select(EFFECTS.c.event_id, func.count()).group_by(EFFECTS.c.event_id))
        return {str(event_id): count for event_id, count in rows}
