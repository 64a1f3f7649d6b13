"""The three trade sagas. A trade's life runs through one saga per phase:

- `trade.reserve`:  ReserveArticle [ReleaseArticle] → ConfirmTradeRoom → trade RESERVED
- `trade.complete`: MarkArticleSold (pivot) → RecordTrade (retriable) → PostTradeMessage (retriable)
- `trade.release`:  ReleaseArticle (retriable) → PostTradeMessage (retriable), for cancel and expiry

The hooks keep the `trades` row and the trade events in step with the saga, in the same
transaction as the saga's final transition.
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from greenmarket.infra.messaging.outbox import Outbox
from greenmarket.sagas.runtime.definition import SagaDefinition, SagaRecord, Step
from greenmarket.sagas.runtime.store import utc_now
from greenmarket.sagas.trades import domain, repository
from greenmarket.schemas.commands import (
    ConfirmTradeRoom,
    MarkArticleSold,
    PostTradeMessage,
    RecordTrade,
    ReleaseArticle,
    ReserveArticle,
)
from greenmarket.schemas.events.trade import (
    TradeCancelled,
    TradeCompleted,
    TradeExpired,
    TradeReserved,
)

COMPLETED_TEXT = "거래가 완료되었습니다."
CANCELLED_TEXT = "예약이 취소되었습니다."
EXPIRED_TEXT = "예약 기간이 지나 예약이 해제되었습니다."

_outbox = Outbox()


def _ids(data: dict) -> dict:
    return {"trade_id": data["tradeId"], "article_id": data["articleId"]}


def _event_fields(data: dict) -> dict:
    return {**_ids(data), "seller_id": data["sellerId"], "buyer_id": data["buyerId"]}


async def _publish(session: AsyncSession, saga: SagaRecord, event) -> None:
    await _outbox.add(
        session,
        event.envelope(aggregate_id=saga.data["tradeId"], producer="sagas", correlation_id=saga.id),
    )


async def _mark_failed(session: AsyncSession, saga: SagaRecord) -> None:
    await repository.set_status(session, saga.data["tradeId"], domain.FAILED, reason=saga.last_error)


def _resume_as(status: str):
    async def hook(session: AsyncSession, saga: SagaRecord) -> None:
        await repository.set_status(session, saga.data["tradeId"], status, reason=None)

    return hook


# -- reserve ------------------------------------------------------------------------------------
def reserve_saga(reservation_ttl_seconds: float) -> SagaDefinition:
    async def reserved(session: AsyncSession, saga: SagaRecord) -> None:
        now = utc_now()
        expires_at = now + timedelta(seconds=reservation_ttl_seconds)
        await repository.set_status(
            session,
            saga.data["tradeId"],
            domain.RESERVED,
            reserved_at=now,
            expires_at=expires_at,
        )
        await _publish(
            session,
            saga,
            TradeReserved(**_event_fields(saga.data), expires_at=expires_at),
        )

    async def refused(session: AsyncSession, saga: SagaRecord) -> None:
        reason = saga.last_error or "reservation refused"
        await repository.set_status(session, saga.data["tradeId"], domain.CANCELLED, reason=reason)
        await _publish(session, saga, TradeCancelled(**_event_fields(saga.data), reason=reason))

    return SagaDefinition(
        type=domain.RESERVE_SAGA,
        steps=(
            Step(
                "reserve_article",
                command=lambda d: ReserveArticle(**_ids(d), seller_id=d["sellerId"], buyer_id=d["buyerId"]),
                compensation=lambda d: ReleaseArticle(**_ids(d)),
            ),
            Step(
                "confirm_trade_room",
                command=lambda d: ConfirmTradeRoom(**_ids(d), seller_id=d["sellerId"], buyer_id=d["buyerId"]),
            ),
        ),
        on_completed=reserved,
        on_compensated=refused,
        on_failed=_mark_failed,
        on_retried=_resume_as(domain.RESERVING),
    )


# -- complete -----------------------------------------------------------------------------------
async def _completed(session: AsyncSession, saga: SagaRecord) -> None:
    await repository.set_status(session, saga.data["tradeId"], domain.COMPLETED, completed_at=utc_now())
    await _publish(session, saga, TradeCompleted(**_event_fields(saga.data)))


async def _completion_refused(session: AsyncSession, saga: SagaRecord) -> None:
    # MarkArticleSold refused: nothing changed, the reservation still holds.
    await repository.set_status(session, saga.data["tradeId"], domain.RESERVED, reason=saga.last_error)


COMPLETE = SagaDefinition(
    type=domain.COMPLETE_SAGA,
    steps=(
        Step(
            "mark_article_sold",
            command=lambda d: MarkArticleSold(**_ids(d), buyer_id=d["buyerId"]),
        ),
        Step(
            "record_trade",
            command=lambda d: RecordTrade(trade_id=d["tradeId"], seller_id=d["sellerId"], buyer_id=d["buyerId"]),
            retriable=True,
        ),
        Step(
            "post_trade_message",
            command=lambda d: PostTradeMessage(**_ids(d), buyer_id=d["buyerId"], text=COMPLETED_TEXT),
            retriable=True,
        ),
    ),
    on_completed=_completed,
    on_compensated=_completion_refused,
    on_failed=_mark_failed,
    on_retried=_resume_as(domain.COMPLETING),
)


# -- release (cancel / expire) ------------------------------------------------------------------
async def _released(session: AsyncSession, saga: SagaRecord) -> None:
    outcome = saga.data["outcome"]
    await repository.set_status(session, saga.data["tradeId"], outcome, reason=saga.data.get("reason"))
    if outcome == domain.EXPIRED:
        await _publish(session, saga, TradeExpired(**_event_fields(saga.data)))
    else:
        await _publish(
            session,
            saga,
            TradeCancelled(**_event_fields(saga.data), reason=saga.data["reason"]),
        )


async def _release_resumed(session: AsyncSession, saga: SagaRecord) -> None:
    await repository.set_status(
        session,
        saga.data["tradeId"],
        saga.data["outcome"],
        reason=saga.data.get("reason"),
    )


def _release_text(data: dict) -> str:
    return EXPIRED_TEXT if data["outcome"] == domain.EXPIRED else CANCELLED_TEXT


RELEASE = SagaDefinition(
    type=domain.RELEASE_SAGA,
    steps=(
        Step(
            "release_article",
            command=lambda d: ReleaseArticle(**_ids(d)),
            retriable=True,
        ),
        Step(
            "post_trade_message",
            command=lambda d: PostTradeMessage(**_ids(d), buyer_id=d["buyerId"], text=_release_text(d)),
            retriable=True,
        ),
    ),
    on_completed=_released,
    on_failed=_mark_failed,
    on_retried=_release_resumed,
)


def trade_sagas(reservation_ttl_seconds: float) -> list[SagaDefinition]:
    return [reserve_saga(reservation_ttl_seconds), COMPLETE, RELEASE]


__all__ = ["COMPLETE", "RELEASE", "reserve_saga", "trade_sagas"]
