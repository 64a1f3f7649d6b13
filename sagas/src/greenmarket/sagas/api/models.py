"""Request and response bodies (camelCase on the wire)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from greenmarket.infra.web.models import ApiModel
from greenmarket.infra.web.problems import Problem


class TradeRequest(ApiModel):
    article_id: int = Field(gt=0)
    buyer_id: int = Field(gt=0)


class TradeAccepted(ApiModel):
    trade_id: str
    saga_id: str
    status: str


class TradeOut(ApiModel):
    trade_id: str
    article_id: int
    seller_id: int
    buyer_id: int
    status: str
    saga_id: str
    reason: str | None
    reserved_at: datetime | None
    completed_at: datetime | None
    expires_at: datetime | None

    @classmethod
    def of(cls, trade) -> TradeOut:
        return cls(
            trade_id=trade.id,
            article_id=trade.article_id,
            seller_id=trade.seller_id,
            buyer_id=trade.buyer_id,
            status=trade.status,
            saga_id=trade.saga_id,
            reason=trade.reason,
            reserved_at=trade.reserved_at,
            completed_at=trade.completed_at,
            expires_at=trade.expires_at,
        )


class TradePage(ApiModel):
    items: list[TradeOut]
    next_cursor: str | None


class SagaSummary(ApiModel):
    id: str
    type: str
    status: str
    step: str
    phase: str
    started_at: datetime
    updated_at: datetime
    attempts: int
    deadline: datetime | None
    last_error: str | None


class StepLogEntry(ApiModel):
    step_index: int
    step_name: str
    phase: str
    kind: str
    command_id: str | None
    command_type: str | None
    attempt: int
    status: str
    request: dict[str, Any] | None
    reply: dict[str, Any] | None
    reason: str | None
    created_at: datetime
    finished_at: datetime | None


class SagaDetail(SagaSummary):
    data: dict[str, Any]
    version: int
    steps: list[StepLogEntry]


class SagaPage(ApiModel):
    items: list[SagaSummary]
    next_cursor: str | None


def parse_cursor(cursor: str | None) -> int | None:
    """Cursors are opaque to clients; here they are the row's sequence number."""
    if cursor is None:
        return None
    if not cursor.isdigit():
        raise Problem(
            422,
            "Invalid cursor.",
            title="Validation failed",
            errors=[{"field": "cursor", "message": "invalid"}],
        )
    return int(cursor)
