"""/api/trades: sellers reserve and complete, seller or buyer cancel, parties and operators read."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import JSONResponse

from greenmarket.infra.auth.dependencies import current_user
from greenmarket.infra.auth.verifier import Principal
from greenmarket.infra.web.problems import Problem
from greenmarket.sagas.api.models import (
    TradeAccepted,
    TradeOut,
    TradePage,
    TradeRequest,
    parse_cursor,
)
from greenmarket.sagas.trades import repository, service
from greenmarket.sagas.trades.domain import TradeRuleBroken

router = APIRouter(prefix="/api/trades", tags=["trades"])

User = Annotated[Principal, Depends(current_user)]


async def _in_transaction(request: Request, use_case):
    state = request.app.state
    try:
        async with state.sessionmaker() as session, session.begin():
            return await use_case(session, state.saga_engine)
    except TradeRuleBroken as broken:
        raise Problem(broken.status, broken.detail) from None


def _accepted(trade) -> JSONResponse:
    body = TradeAccepted(trade_id=trade.id, saga_id=trade.saga_id, status=trade.status)
    return JSONResponse(body.model_dump(by_alias=True), status_code=202)


@router.post("", status_code=202, response_model=TradeAccepted)
async def reserve(body: TradeRequest, user: User, request: Request):
    trade = await _in_transaction(
        request,
        lambda s, e: service.reserve(
            s,
            e,
            seller_id=user.user_id,
            article_id=body.article_id,
            buyer_id=body.buyer_id,
        ),
    )
    return _accepted(trade)


@router.post("/{trade_id}/complete", status_code=202, response_model=TradeAccepted)
async def complete(trade_id: str, user: User, request: Request):
    trade = await _in_transaction(
        request,
        lambda s, e: service.complete(s, e, trade_id=trade_id, user_id=user.user_id),
    )
    return _accepted(trade)


@router.post("/{trade_id}/cancel", status_code=202, response_model=TradeAccepted)
async def cancel(trade_id: str, user: User, request: Request):
    trade = await _in_transaction(
        request,
        lambda s, e: service.cancel(s, e, trade_id=trade_id, user_id=user.user_id),
    )
    return _accepted(trade)


@router.get("/{trade_id}", response_model=TradeOut)
async def get_trade(trade_id: str, user: User, request: Request) -> TradeOut:
    trade = await _in_transaction(
        request,
        lambda s, e: service.view(s, trade_id=trade_id, user_id=user.user_id, is_operator=user.is_operator),
    )
    return TradeOut.of(trade)


@router.get("", response_model=TradePage)
async def list_trades(
    user: User,
    request: Request,
    role: Literal["buyer", "seller"] = "buyer",
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: str | None = None,
) -> TradePage:
    before = parse_cursor(cursor)
    async with request.app.state.sessionmaker() as session:
        rows = await repository.page_for_user(session, user.user_id, role, limit + 1, before)
    items = rows[:limit]
    next_cursor = str(items[-1][0]) if len(rows) > limit else None
    return TradePage(items=[TradeOut.of(t) for _, t in items], next_cursor=next_cursor)
