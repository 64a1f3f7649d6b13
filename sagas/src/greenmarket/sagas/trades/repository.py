"""SQL for trades and the article/room projections."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from greenmarket.sagas.models import article_view, room_view, trades
from greenmarket.sagas.runtime.store import utc_now
from greenmarket.sagas.trades.domain import ACTIVE, ArticleView, Trade


def _trade(row: Any) -> Trade:
    m = row._mapping
    return Trade(**{k: m[k] for k in Trade.__dataclass_fields__})


async def get(session: AsyncSession, trade_id: str, *, lock: bool = False) -> Trade | None:
    query = select(trades).where(trades.c.id == trade_id)
    if lock:
        query = query.with_for_update()
    row = (await session.execute(query)).first()
    return _trade(row) if row else None


async def insert(session: AsyncSession, **values: Any) -> None:
    await session.execute(trades.insert().values(**values))


async def set_status(
    session: AsyncSession,
    trade_id: str,
    status: str,
    *,
    expected: tuple[str, ...] | None = None,
    **values: Any,
) -> bool:
    """Move a trade to `status`; with `expected`, only from one of those (a compare-and-set)."""
    query = update(trades).where(trades.c.id == trade_id)
    if expected is not None:
        query = query.where(trades.c.status.in_(expected))
    result = await session.execute(query.values(status=status, updated_at=utc_now(), **values))
    return result.rowcount == 1


async def claim_expired(session: AsyncSession) -> Trade | None:
    query = (
        select(trades)
        .where(trades.c.status == "RESERVED", trades.c.expires_at <= utc_now())
        .order_by(trades.c.expires_at)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    row = (await session.execute(query)).first()
    return _trade(row) if row else None


async def has_active_trade(session: AsyncSession, article_id: int) -> bool:
    query = select(exists().where(trades.c.article_id == article_id, trades.c.status.in_(ACTIVE)))
    return bool(await session.scalar(query))


async def trades_of_user(session: AsyncSession, user_id: int, statuses: tuple[str, ...]) -> list[Trade]:
    query = select(trades).where(
        or_(trades.c.seller_id == user_id, trades.c.buyer_id == user_id),
        trades.c.status.in_(statuses),
    )
    return [_trade(row) for row in await session.execute(query)]


async def page_for_user(
    session: AsyncSession, user_id: int, role: str, limit: int, before_seq: int | None
) -> list[tuple[int, Trade]]:
    column = trades.c.buyer_id if role == "buyer" else trades.c.seller_id
    query = select(trades).where(column == user_id)
    if before_seq is not None:
        query = query.where(trades.c.seq < before_seq)
    rows = await session.execute(query.order_by(trades.c.seq.desc()).limit(limit))
    return [(row._mapping["seq"], _trade(row)) for row in rows]


# -- projections --------------------------------------------------------------------------------
async def article(session: AsyncSession, article_id: int) -> ArticleView | None:
    row = (await session.execute(select(article_view).where(article_view.c.article_id == article_id))).first()
    return ArticleView(**row._mapping) if row else None


async def buyer_has_room(session: AsyncSession, article_id: int, buyer_id: int) -> bool:
    condition = and_(
        room_view.c.article_id == article_id,
        room_view.c.buyer_id == buyer_id,
        room_view.c.closed.is_(False),
    )
    return bool(await session.scalar(select(exists().where(condition))))


def as_iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
