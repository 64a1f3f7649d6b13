"""The two tables every service database has: `outbox` and `processed_events`."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, DateTime, Index, MetaData, String, Table, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB, UUID

OUTBOX_CHANNEL = "greenmarket_outbox"

# One statement-level trigger: a transaction that writes 100 events wakes the relay once.
# `greenmarket.outbox_notify = off` (per database) turns it off, leaving the relay to poll.
NOTIFY_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION greenmarket_outbox_notify() RETURNS trigger AS $$
BEGIN
  IF coalesce(current_setting('greenmarket.outbox_notify', true), 'on') <> 'off' THEN
    PERFORM pg_notify('{OUTBOX_CHANNEL}', '');
  END IF;
  RETURN NULL;
END $$ LANGUAGE plpgsql
"""
NOTIFY_TRIGGER_SQL = """
CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
FOR EACH STATEMENT EXECUTE FUNCTION greenmarket_outbox_notify()
"""


def messaging_tables(metadata: MetaData) -> tuple[Table, Table]:
    outbox = Table(
        "outbox",
        metadata,
        Column("id", BigInteger, primary_key=True, autoincrement=True),
        Column("event_id", UUID(as_uuid=True), nullable=False, unique=True),
        Column("topic", String(200), nullable=False),
        Column("message_key", Text, nullable=False),
        Column("envelope", JSONB, nullable=False),
        Column("traceparent", String(60), nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("published_at", DateTime(timezone=True)),
        Index("outbox_unpublished", "id", postgresql_where=text("published_at IS NULL")),
    )
    processed = Table(
        "processed_events",
        metadata,
        Column("consumer", String(200), primary_key=True),
        Column("event_id", UUID(as_uuid=True), primary_key=True),
        Column("processed_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
    )
    return outbox, processed


def create_messaging_tables(op) -> None:
    """Call from a service's first Alembic migration."""
    metadata = MetaData()
    outbox, processed = messaging_tables(metadata)
    bind = op.get_bind()
    metadata.create_all(bind)
    op.execute(NOTIFY_FUNCTION_SQL)
    op.execute(NOTIFY_TRIGGER_SQL)


# A module-level copy for code that only reads/writes rows (the tables are the same in every DB).
_metadata = MetaData()
OUTBOX, PROCESSED_EVENTS = messaging_tables(_metadata)
