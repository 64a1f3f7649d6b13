"""Reading and writing saga rows and the step log. Every save is a compare-and-set on `version`."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from greenmarket.infra.messaging.consumer import TransientError
from greenmarket.sagas.models import saga_steps, sagas
from greenmarket.sagas.runtime.definition import ACTIVE, SagaRecord

SAVED_FIELDS = (
    "status",
    "phase",
    "step_index",
    "attempt",
    "awaiting_command_id",
    "deadline",
    "data",
    "last_error",
)


class StaleSaga(TransientError):
    """Another process moved this saga first; the caller's transaction must roll back and retry."""


def utc_now() -> datetime:
    return datetime.now(UTC)


def _record(row: Any) -> SagaRecord:
    m = row._mapping
    return SagaRecord(**{k: m[k] for k in SagaRecord.__dataclass_fields__ if k != "extra"})


async def insert_saga(session: AsyncSession, record: SagaRecord) -> bool:
    """Insert a new saga; False when a saga with this id exists already (idempotent start)."""
    values = {field: getattr(record, field) for field in SAVED_FIELDS}
    values.update(
        id=record.id,
        type=record.type,
        subject_user_id=record.subject_user_id,
        version=record.version,
    )
    result = await session.execute(
        pg_insert(sagas).values(**values).on_conflict_do_nothing(index_elements=["id"]).returning(sagas.c.id)
    )
    return result.first() is not None


async def load(session: AsyncSession, saga_id: str, *, lock: bool = False) -> SagaRecord | None:
    query = select(sagas).where(sagas.c.id == saga_id)
    if lock:
        query = query.with_for_update()
    row = (await session.execute(query)).first()
    return _record(row) if row else None


async def save(session: AsyncSession, record: SagaRecord) -> None:
    """UPDATE ... WHERE id = :id AND version = :v; raise StaleSaga when someone else won."""
    values = {field: getattr(record, field) for field in SAVED_FIELDS}
    result = await session.execute(
        update(sagas)
        .where(sagas.c.id == record.id, sagas.c.version == record.version)
        .values(**values, version=record.version + 1, updated_at=utc_now())
    )
    if result.rowcount != 1:
        raise StaleSaga(f"saga {record.id} changed since version {record.version}")
    record.version += 1


async def claim_due(session: AsyncSession, limit: int = 1) -> list[SagaRecord]:
    """Active sagas whose deadline passed, locked; SKIP LOCKED lets several timers share the work."""
    query = (
        select(sagas)
        .where(sagas.c.status.in_(ACTIVE), sagas.c.deadline <= utc_now())
        .order_by(sagas.c.deadline)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return [_record(row) for row in await session.execute(query)]


# -- step log -----------------------------------------------------------------------------------
async def log_command(
    session: AsyncSession,
    record: SagaRecord,
    step_name: str,
    command_id: uuid.UUID,
    command_type: str,
    request: dict[str, Any],
) -> None:
    await session.execute(
        insert(saga_steps).values(
            saga_id=record.id,
            step_index=record.step_index,
            step_name=step_name,
            phase=record.phase,
            kind="COMMAND",
            command_id=command_id,
            command_type=command_type,
            attempt=record.attempt,
            status="PENDING",
            request=request,
        )
    )


async def log_entry(
    session: AsyncSession,
    record: SagaRecord,
    step_name: str,
    *,
    kind: str,
    status: str,
    phase: str | None = None,
    reason: str | None = None,
    reply: dict[str, Any] | None = None,
) -> None:
    """A local step, a timeout or an operator action: a finished entry of the log."""
    await session.execute(
        insert(saga_steps).values(
            saga_id=record.id,
            step_index=record.step_index,
            step_name=step_name,
            phase=phase or record.phase,
            kind=kind,
            attempt=max(record.attempt, 1),
            status=status,
            reason=reason,
            reply=reply,
            finished_at=utc_now(),
        )
    )


async def find_command(session: AsyncSession, command_id: uuid.UUID) -> Any:
    query = select(saga_steps).where(saga_steps.c.command_id == command_id)
    return (await session.execute(query)).first()


async def finish_command(
    session: AsyncSession,
    command_id: uuid.UUID,
    status: str,
    *,
    reason: str | None = None,
    reply: dict | None = None,
) -> None:
    await session.execute(
        update(saga_steps)
        .where(saga_steps.c.command_id == command_id)
        .values(status=status, reason=reason, reply=reply, finished_at=utc_now())
    )


async def note_late_reply(session: AsyncSession, command_id: uuid.UUID, reply: dict) -> None:
    """Keep a reply that came too late on its log row, without changing the saga."""
    await session.execute(
        update(saga_steps)
        .where(saga_steps.c.command_id == command_id, saga_steps.c.reply.is_(None))
        .values(reply={**reply, "late": True})
    )


async def step_log(session: AsyncSession, saga_id: str) -> list[Any]:
    query = select(saga_steps).where(saga_steps.c.saga_id == saga_id).order_by(saga_steps.c.id)
    return list(await session.execute(query))


async def has_active_saga_about(session: AsyncSession, saga_type: str, user_ids: list[int]) -> bool:
    """Is a saga of this type still running for one of these users (e.g. an account deletion)?"""
    query = select(sagas.c.id).where(
        sagas.c.type == saga_type,
        sagas.c.status.in_(ACTIVE),
        sagas.c.subject_user_id.in_(user_ids),
    )
    return (await session.execute(query.limit(1))).first() is not None


async def page(
    session: AsyncSession,
    *,
    saga_type: str | None,
    status: str | None,
    limit: int,
    before_seq: int | None,
) -> list[tuple[int, SagaRecord]]:
    """Newest first, keyset-paged on `seq`."""
    query = select(sagas)
    if saga_type is not None:
        query = query.where(sagas.c.type == saga_type)
    if status is not None:
        query = query.where(sagas.c.status == status)
    if before_seq is not None:
        query = query.where(sagas.c.seq < before_seq)
    rows = await session.execute(query.order_by(sagas.c.seq.desc()).limit(limit))
    return [(row._mapping["seq"], _record(row)) for row in rows]
