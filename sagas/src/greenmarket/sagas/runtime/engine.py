"""The engine: moves a saga one transition at a time, inside the caller's transaction.

Inputs are a start, a reply (`saga.replies`), a passed deadline (the timer) and an operator's
retry or abort. Each input loads the saga, decides, appends to the step log, writes the next
command to the outbox and saves the saga with a compare-and-set on its version. If another
orchestrator process got there first, `StaleSaga` rolls the whole transaction back.

Commands: envelope aggregateId = correlationId = saga id, eventId = command id (kept in the step
log). A reply names its command in `causationId`; a reply to a command the saga is no longer
waiting for (duplicate, late, superseded) is recorded and otherwise ignored.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from prometheus_client import Counter
from sqlalchemy.ext.asyncio import AsyncSession

from greenmarket.infra.messaging.outbox import Outbox
from greenmarket.sagas.runtime import store
from greenmarket.sagas.runtime.definition import (
    ABORTED,
    ACTIVE,
    COMPENSATED,
    COMPENSATING,
    COMPENSATION,
    COMPLETED,
    FAILED,
    FORWARD,
    RUNNING,
    RetryPolicy,
    SagaDefinition,
    SagaRecord,
    Step,
    StepRefused,
)
from greenmarket.schemas import Envelope
from greenmarket.schemas.commands import CommandReply

log = logging.getLogger(__name__)

PRODUCER = "sagas"

# Counted when decided; a transaction that then loses a version race is retried and may count twice.
SAGAS_ENDED = Counter(
    "greenmarket_sagas_ended_total",
    "Sagas that reached an end status",
    ["type", "status"],
)
COMMANDS_SENT = Counter("greenmarket_saga_commands_total", "Commands sent by sagas", ["type", "command"])
TIMEOUTS = Counter(
    "greenmarket_saga_timeouts_total",
    "Saga steps whose reply did not come in time",
    ["type"],
)


@dataclass(frozen=True)
class EngineConfig:
    step_timeout_seconds: float = 30.0
    forward_retry: RetryPolicy = field(default_factory=lambda: RetryPolicy(3, 1.0, 60.0))
    compensation_retry: RetryPolicy = field(default_factory=lambda: RetryPolicy(5, 1.0, 60.0))


class OperatorConflict(Exception):
    """The operator action does not fit the saga's status (answered with 409)."""


class SagaEngine:
    def __init__(self, definitions: list[SagaDefinition], config: EngineConfig | None = None) -> None:
        self.definitions = {d.type: d for d in definitions}
        self.config = config or EngineConfig()
        self.outbox = Outbox()

    # -- inputs --------------------------------------------------------------------------------
    async def start(
        self,
        session: AsyncSession,
        saga_type: str,
        data: dict[str, Any],
        *,
        saga_id: str | None = None,
        subject_user_id: int | None = None,
    ) -> SagaRecord | None:
        """Create and run the saga up to its first command. None if `saga_id` exists already."""
        record = SagaRecord(
            id=saga_id or str(uuid.uuid4()),
            type=saga_type,
            status=RUNNING,
            phase=FORWARD,
            step_index=0,
            attempt=0,
            awaiting_command_id=None,
            deadline=None,
            data=dict(data),
            subject_user_id=subject_user_id,
            last_error=None,
            version=1,
        )
        if not await store.insert_saga(session, record):
            return None
        await self._run_forward(session, record)
        await store.save(session, record)
        return record

    async def on_reply(self, session: AsyncSession, envelope: Envelope) -> None:
        reply = CommandReply.parse(envelope)
        command_id = uuid.UUID(envelope.causation_id or reply.command_id)
        entry = await store.find_command(session, command_id)
        if entry is None:
            log.warning(
                "reply to unknown command %s (saga %s) ignored",
                command_id,
                reply.saga_id,
            )
            return
        entry = entry._mapping
        reply_body = {
            "outcome": reply.outcome,
            "reason": reply.reason,
            "data": reply.data,
        }
        record = await store.load(session, entry["saga_id"])
        if entry["status"] not in ("PENDING", "TIMED_OUT") or not self._still_wanted(record, entry):
            log.info(
                "duplicate or late reply to %s %s ignored",
                entry["command_type"],
                command_id,
            )
            await store.note_late_reply(session, command_id, reply_body)
            return
        definition = self.definitions[record.type]
        step = definition.steps[record.step_index]
        succeeded = reply.outcome == "SUCCESS"
        reason = reply.reason
        if entry["status"] == "TIMED_OUT":
            reason = f"answered after its timeout{': ' + reason if reason else ''}"
        await store.finish_command(
            session,
            command_id,
            "SUCCEEDED" if succeeded else "REFUSED",
            reason=reason,
            reply=reply_body,
        )
        if record.awaiting_command_id is not None and record.awaiting_command_id != command_id:
            # An earlier attempt answered first: the resent command is now superfluous.
            await store.finish_command(session, record.awaiting_command_id, "SUPERSEDED")
        record.awaiting_command_id = None
        if succeeded:
            if record.phase == FORWARD:
                record.data.setdefault("results", {})[step.name] = reply.data
                record.step_index += 1
                record.attempt = 0
                await self._run_forward(session, record)
            else:
                record.step_index -= 1
                record.attempt = 0
                await self._run_compensation(session, record)
        else:
            await self._on_step_failure(session, record, step, reply.reason or "refused", refused=True)
        await store.save(session, record)

    async def on_deadline(self, session: AsyncSession, record: SagaRecord) -> None:
        """The timer found the saga's deadline passed: a reply timed out, or a retry is due."""
        step = self.definitions[record.type].steps[record.step_index]
        if record.awaiting_command_id is not None:
            await store.finish_command(
                session,
                record.awaiting_command_id,
                "TIMED_OUT",
                reason="no reply in time",
            )
            record.awaiting_command_id = None
            TIMEOUTS.labels(record.type).inc()
            await self._on_step_failure(session, record, step, "timed out", refused=False)
        else:
            await self._send(session, record, step)
        await store.save(session, record)

    async def retry(self, session: AsyncSession, saga_id: str) -> SagaRecord:
        """Operator: resume a FAILED saga where it stopped (same phase, fresh attempts)."""
        record = await self._load_for_operator(session, saga_id)
        if record.status != FAILED:
            raise OperatorConflict(f"saga is {record.status}; only a FAILED saga can be retried")
        record.status = RUNNING if record.phase == FORWARD else COMPENSATING
        record.attempt = 0
        record.last_error = None
        await store.log_entry(session, record, "operator", kind="NOTE", status="RETRIED", phase="OPERATOR")
        definition = self.definitions[record.type]
        if definition.on_retried:
            await definition.on_retried(session, record)
        if record.phase == FORWARD:
            await self._run_forward(session, record)
        else:
            await self._run_compensation(session, record)
        await store.save(session, record)
        return record

    async def abort(self, session: AsyncSession, saga_id: str) -> SagaRecord:
        """Operator: give up on a FAILED saga; it stays as it is, marked ABORTED."""
        record = await self._load_for_operator(session, saga_id)
        if record.status != FAILED:
            raise OperatorConflict(f"saga is {record.status}; only a FAILED saga can be aborted")
        record.status = ABORTED
        record.deadline = None
        await store.log_entry(session, record, "operator", kind="NOTE", status="ABORTED", phase="OPERATOR")
        definition = self.definitions[record.type]
        if definition.on_aborted:
            await definition.on_aborted(session, record)
        await store.save(session, record)
        return record

    # -- transitions ---------------------------------------------------------------------------
    async def _run_forward(self, session: AsyncSession, record: SagaRecord) -> None:
        """Run local steps inline until a command is sent or the saga completes."""
        definition = self.definitions[record.type]
        while record.step_index < len(definition.steps):
            step = definition.steps[record.step_index]
            if step.command is not None:
                await self._send(session, record, step)
                return
            savepoint = await session.begin_nested()
            try:
                result = await step.local(session, record, self) or {}
                await savepoint.commit()
            except StepRefused as refusal:
                await savepoint.rollback()
                await store.log_entry(
                    session,
                    record,
                    step.name,
                    kind="LOCAL",
                    status="REFUSED",
                    reason=refusal.reason,
                )
                await self._begin_compensation(session, record, refusal.reason, include_current=False)
                return
            await store.log_entry(
                session,
                record,
                step.name,
                kind="LOCAL",
                status="SUCCEEDED",
                reply=result,
            )
            record.data.setdefault("results", {})[step.name] = result
            record.step_index += 1
            record.attempt = 0
        record.status = COMPLETED
        record.deadline = None
        SAGAS_ENDED.labels(record.type, COMPLETED).inc()
        if definition.on_completed:
            await definition.on_completed(session, record)

    async def _begin_compensation(
        self,
        session: AsyncSession,
        record: SagaRecord,
        reason: str,
        *,
        include_current: bool,
    ) -> None:
        # A refused step did nothing; a step that timed out may have acted, so it is undone too.
        record.status = COMPENSATING
        record.phase = COMPENSATION
        record.last_error = reason
        record.attempt = 0
        if not include_current:
            record.step_index -= 1
        await self._run_compensation(session, record)

    async def _run_compensation(self, session: AsyncSession, record: SagaRecord) -> None:
        definition = self.definitions[record.type]
        while record.step_index >= 0:
            step = definition.steps[record.step_index]
            if step.compensation is not None:
                await self._send(session, record, step)
                return
            record.step_index -= 1
        record.step_index = 0
        record.status = COMPENSATED
        record.deadline = None
        SAGAS_ENDED.labels(record.type, COMPENSATED).inc()
        if definition.on_compensated:
            await definition.on_compensated(session, record)

    async def _on_step_failure(
        self,
        session: AsyncSession,
        record: SagaRecord,
        step: Step,
        reason: str,
        *,
        refused: bool,
    ) -> None:
        policy = self._policy(record, step)
        must_finish = record.phase == COMPENSATION or step.retriable
        if must_finish:
            if record.attempt < policy.max_attempts:
                # Wait, then send the command again (a new command id; see _send).
                record.deadline = store.utc_now() + timedelta(seconds=policy.delay(record.attempt))
                record.last_error = reason
                return
            await self._fail(
                session,
                record,
                f"{step.name}: {reason} after {record.attempt} attempts",
            )
            return
        if not refused and record.attempt < policy.max_attempts:
            await self._send(session, record, step)  # a timeout is transient: resend at once
            return
        await self._begin_compensation(session, record, f"{step.name}: {reason}", include_current=not refused)

    async def _fail(self, session: AsyncSession, record: SagaRecord, reason: str) -> None:
        record.status = FAILED
        record.deadline = None
        SAGAS_ENDED.labels(record.type, FAILED).inc()
        record.last_error = reason
        log.error("saga %s %s FAILED: %s", record.type, record.id, reason)
        definition = self.definitions[record.type]
        if definition.on_failed:
            await definition.on_failed(session, record)

    async def _send(self, session: AsyncSession, record: SagaRecord, step: Step) -> None:
        """Send the step's command (or compensation) through the outbox and wait for its reply."""
        builder = step.command if record.phase == FORWARD else step.compensation
        message = builder(record.data)
        envelope = message.envelope(aggregate_id=record.id, producer=PRODUCER, correlation_id=record.id)
        record.attempt += 1
        record.awaiting_command_id = envelope.event_id
        record.deadline = store.utc_now() + timedelta(seconds=step.timeout_seconds or self.config.step_timeout_seconds)
        await store.log_command(
            session,
            record,
            step.name,
            envelope.event_id,
            envelope.type,
            envelope.payload,
        )
        await self.outbox.add(session, envelope)
        COMMANDS_SENT.labels(record.type, envelope.type).inc()

    # -- helpers -------------------------------------------------------------------------------
    def _policy(self, record: SagaRecord, step: Step) -> RetryPolicy:
        if step.retry is not None:
            return step.retry
        if record.phase == COMPENSATION or step.retriable:
            return self.config.compensation_retry
        return self.config.forward_retry

    @staticmethod
    def _still_wanted(record: SagaRecord | None, entry: Any) -> bool:
        """A reply counts if the saga still waits on that step, in that phase (any attempt of it)."""
        return (
            record is not None
            and record.status in ACTIVE
            and record.phase == entry["phase"]
            and record.step_index == entry["step_index"]
        )

    async def _load_for_operator(self, session: AsyncSession, saga_id: str) -> SagaRecord:
        record = await store.load(session, saga_id)
        if record is None:
            raise LookupError(saga_id)
        return record
