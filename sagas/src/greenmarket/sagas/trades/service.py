"""Trade use cases: each takes the caller's session (one transaction) and the saga engine."""

from __future__ import annotations

import uuid

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from greenmarket.sagas.runtime import store
from greenmarket.sagas.runtime.engine import SagaEngine
from greenmarket.sagas.trades import domain, repository
from greenmarket.sagas.trades.domain import Trade, TradeRuleBroken

ACCOUNT_DELETION_SAGA = "account.deletion"


def _saga_data(trade: Trade | dict) -> dict:
    if isinstance(trade, dict):
        return trade
    return {
        "tradeId": trade.id,
        "articleId": trade.article_id,
        "sellerId": trade.seller_id,
        "buyerId": trade.buyer_id,
    }


async def reserve(
    session: AsyncSession,
    engine: SagaEngine,
    *,
    seller_id: int,
    article_id: int,
    buyer_id: int,
) -> Trade:
    article = await repository.article(session, article_id)
    domain.check_can_reserve(
        article,
        seller_id,
        buyer_id,
        buyer_has_room=await repository.buyer_has_room(session, article_id, buyer_id),
        has_active_trade=await repository.has_active_trade(session, article_id),
    )
    if await store.has_active_saga_about(session, ACCOUNT_DELETION_SAGA, [seller_id, buyer_id]):
        raise TradeRuleBroken(409, "An account of this trade is being deleted.")
    trade_id, saga_id = str(uuid.uuid4()), str(uuid.uuid4())
    try:
        async with session.begin_nested():
            await repository.insert(
                session,
                id=trade_id,
                article_id=article_id,
                seller_id=seller_id,
                buyer_id=buyer_id,
                status=domain.RESERVING,
                saga_id=saga_id,
            )
    except IntegrityError:
        # Another request won the race for this article (the unique index on active trades).
        raise TradeRuleBroken(409, "The article is not on sale.") from None
    data = {
        "tradeId": trade_id,
        "articleId": article_id,
        "sellerId": seller_id,
        "buyerId": buyer_id,
    }
    await engine.start(session, domain.RESERVE_SAGA, data, saga_id=saga_id)
    return await repository.get(session, trade_id)


async def complete(session: AsyncSession, engine: SagaEngine, *, trade_id: str, user_id: int) -> Trade:
    trade = domain.check_can_complete(await repository.get(session, trade_id, lock=True), user_id, store.utc_now())
    if await store.has_active_saga_about(session, ACCOUNT_DELETION_SAGA, [trade.seller_id, trade.buyer_id]):
        raise TradeRuleBroken(409, "An account of this trade is being deleted.")
    saga_id = str(uuid.uuid4())
    await repository.set_status(session, trade.id, domain.COMPLETING, saga_id=saga_id, reason=None)
    await engine.start(session, domain.COMPLETE_SAGA, _saga_data(trade), saga_id=saga_id)
    return await repository.get(session, trade_id)


async def release(
    session: AsyncSession,
    engine: SagaEngine,
    trade: Trade,
    *,
    outcome: str,
    reason: str,
) -> None:
    """Decide the trade is over (CANCELLED/EXPIRED) and start the saga that releases the article."""
    saga_id = str(uuid.uuid4())
    await repository.set_status(session, trade.id, outcome, saga_id=saga_id, reason=reason)
    data = {**_saga_data(trade), "outcome": outcome, "reason": reason}
    await engine.start(session, domain.RELEASE_SAGA, data, saga_id=saga_id)


async def cancel(session: AsyncSession, engine: SagaEngine, *, trade_id: str, user_id: int) -> Trade:
    trade = domain.check_can_cancel(await repository.get(session, trade_id, lock=True), user_id)
    who = "seller" if user_id == trade.seller_id else "buyer"
    await release(
        session,
        engine,
        trade,
        outcome=domain.CANCELLED,
        reason=f"cancelled by the {who}",
    )
    return await repository.get(session, trade_id)


async def expire_one(session: AsyncSession, engine: SagaEngine) -> bool:
    """Timer work: release one reservation whose TTL passed. False when none is due."""
    trade = await repository.claim_expired(session)
    if trade is None:
        return False
    await release(session, engine, trade, outcome=domain.EXPIRED, reason="reservation expired")
    return True


async def cancel_reservations_of(session: AsyncSession, engine: SagaEngine, user_id: int) -> list[str]:
    """Account deletion: cancel every RESERVED trade the user is a party of."""
    cancelled = []
    for trade in await repository.trades_of_user(session, user_id, (domain.RESERVED,)):
        locked = await repository.get(session, trade.id, lock=True)
        if locked is not None and locked.status == domain.RESERVED:
            await release(
                session,
                engine,
                locked,
                outcome=domain.CANCELLED,
                reason="account deleted",
            )
            cancelled.append(trade.id)
    return cancelled


async def view(session: AsyncSession, *, trade_id: str, user_id: int, is_operator: bool) -> Trade:
    return domain.check_can_view(await repository.get(session, trade_id), user_id, is_operator)
