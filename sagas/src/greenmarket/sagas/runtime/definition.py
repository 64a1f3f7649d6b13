"""Saga definitions in plain Python: an ordered list of steps.

A step is either a command to a participant (built from the saga's data) or a local action on the
orchestrator's own tables. A step may name the command that undoes it (its compensation).

Three kinds of step, after Eventuate Tram's vocabulary:
- compensatable (has a compensation): a later refusal undoes it;
- pivot (no compensation, not retriable): the last step that may still refuse; a refusal
  compensates the steps before it;
- retriable (`retriable=True`, after the pivot): must not refuse for a business reason; a refusal
  or a timeout is retried with backoff, and when the attempts run out the saga is FAILED.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from greenmarket.schemas import Message

SagaData = dict[str, Any]
CommandBuilder = Callable[[SagaData], Message]
# A local action gets the engine too, so it can start other sagas in the same transaction.
LocalAction = Callable[[AsyncSession, "SagaRecord", Any], Awaitable[dict[str, Any] | None]]
Hook = Callable[[AsyncSession, "SagaRecord"], Awaitable[None]]


class StepRefused(Exception):
    """A local step refuses (a business rule): the saga compensates like after a FAILURE reply."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class RetryPolicy:
    """How often a step is tried and how long to wait between tries (exponential backoff)."""

    max_attempts: int
    backoff_seconds: float
    max_backoff_seconds: float

    def delay(self, attempts_so_far: int) -> float:
        return min(
            self.backoff_seconds * 2 ** max(attempts_so_far - 1, 0),
            self.max_backoff_seconds,
        )


@dataclass(frozen=True)
class Step:
    name: str
    command: CommandBuilder | None = None
    compensation: CommandBuilder | None = None
    local: LocalAction | None = None
    retriable: bool = False
    timeout_seconds: float | None = None  # None: the engine's default
    retry: RetryPolicy | None = None  # None: the engine's default for this kind of step

    def __post_init__(self) -> None:
        if (self.command is None) == (self.local is None):
            raise ValueError(f"step {self.name}: give exactly one of command or local")


@dataclass(frozen=True)
class SagaDefinition:
    type: str
    steps: tuple[Step, ...]
    # Called in the transaction of the transition that ends the saga.
    on_completed: Hook | None = None
    on_compensated: Hook | None = None
    on_failed: Hook | None = None
    on_aborted: Hook | None = None
    on_retried: Hook | None = None


@dataclass
class SagaRecord:
    """A saga instance as stored in the `sagas` table."""

    id: str
    type: str
    status: str
    phase: str
    step_index: int
    attempt: int
    awaiting_command_id: Any
    deadline: Any
    data: SagaData
    subject_user_id: int | None
    last_error: str | None
    version: int
    started_at: Any = None
    updated_at: Any = None
    extra: dict[str, Any] = field(default_factory=dict)


# Saga statuses (CONTRACT §Trades) plus ABORTED: an operator gave up on a FAILED saga.
RUNNING, COMPENSATING, COMPLETED, COMPENSATED, FAILED, ABORTED = (
    "RUNNING",
    "COMPENSATING",
    "COMPLETED",
    "COMPENSATED",
    "FAILED",
    "ABORTED",
)
ACTIVE = (RUNNING, COMPENSATING)
FORWARD, COMPENSATION = "FORWARD", "COMPENSATION"
