"""The product side of the sagas: the article's trade state and the semantic lock.

Each function runs inside the participant's transaction (greenmarket.infra.messaging.participant),
takes the article row lock, and either changes the state (publishing ProductStatusChanged) or
raises CommandRefused. Every function is idempotent: the same command applied twice leaves the
same state and succeeds again.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from greenmarket.infra.messaging.participant import CommandRefused
from greenmarket.product.domain import HiddenReason, Status, refuse_mark_sold, refuse_reserve
from greenmarket.product.models import articles
from greenmarket.product.service.common import load_state, publish_status_change, state_of
from greenmarket.schemas.commands import (
    MarkArticleSold,
    ReleaseArticle,
    ReserveArticle,
    RestoreUserArticles,
    WithdrawUserArticles,
)


async def reserve_article(session: AsyncSession, command: ReserveArticle) -> dict[str, Any]:
    article = await load_state(session, command.article_id, for_update=True)
    if reason := refuse_reserve(article, command.trade_id, command.seller_id, command.buyer_id):
        raise CommandRefused(reason)
    if article.status is Status.ON_SALE:
        await session.execute(
            update(articles)
            .where(articles.c.id == article.id)
            .values(
                status=Status.RESERVED.value,
                buyer_id=command.buyer_id,
                trade_id=command.trade_id,
                updated_at=func.now(),
            )
        )
        await publish_status_change(
            session, article, Status.RESERVED, buyer_id=command.buyer_id, trade_id=command.trade_id
        )
    return {"articleId": article.id, "status": Status.RESERVED.value}


async def release_article(session: AsyncSession, command: ReleaseArticle) -> dict[str, Any]:
    """Compensation: never refused. Only the reservation of this very trade is released."""
    article = await load_state(session, command.article_id, for_update=True)
    if article is None or article.status is not Status.RESERVED or article.trade_id != command.trade_id:
        return {"articleId": command.article_id, "released": False}
    await session.execute(
        update(articles)
        .where(articles.c.id == article.id)
        .values(status=Status.ON_SALE.value, buyer_id=None, trade_id=None, updated_at=func.now())
    )
    await publish_status_change(session, article, Status.ON_SALE, buyer_id=None, trade_id=command.trade_id)
    return {"articleId": article.id, "released": True}


async def mark_article_sold(session: AsyncSession, command: MarkArticleSold) -> dict[str, Any]:
    article = await load_state(session, command.article_id, for_update=True)
    if reason := refuse_mark_sold(article, command.trade_id):
        raise CommandRefused(reason)
    if article.status is Status.RESERVED:
        await session.execute(
            update(articles)
            .where(articles.c.id == article.id)
            .values(status=Status.SOLD.value, buyer_id=command.buyer_id, sold_at=func.now(), updated_at=func.now())
        )
        await publish_status_change(session, article, Status.SOLD, buyer_id=command.buyer_id, trade_id=command.trade_id)
    return {"articleId": article.id, "status": Status.SOLD.value}


async def withdraw_user_articles(session: AsyncSession, command: WithdrawUserArticles) -> dict[str, Any]:
    """Account deletion: hide the user's unsold articles and release their reservations.

    Refused while the user is the buyer of an article RESERVED for them: that trade must be
    completed or cancelled first, or the seller would be left with a reservation for a buyer
    who no longer exists.
    """
    buying = (
        await session.execute(
            select(articles.c.id)
            .where(
                articles.c.buyer_id == command.user_id,
                articles.c.status == Status.RESERVED.value,
                articles.c.deleted_at.is_(None),
            )
            .limit(1)
        )
    ).scalar()
    if buying is not None:
        raise CommandRefused(f"the user is the buyer in a running trade for article {buying}")
    rows = (
        await session.execute(
            select(articles)
            .where(
                articles.c.seller_id == command.user_id,
                articles.c.status != Status.SOLD.value,
                articles.c.deleted_at.is_(None),
                articles.c.hidden_reason.is_(None),
            )
            .with_for_update()
        )
    ).all()
    released = []
    for row in rows:
        article = state_of(row)
        if article.status is Status.RESERVED:
            released.append(article.id)
            await publish_status_change(session, article, Status.ON_SALE, buyer_id=None, trade_id=article.trade_id)
    if rows:
        await session.execute(
            update(articles)
            .where(articles.c.id.in_([row.id for row in rows]))
            .values(
                status=Status.ON_SALE.value,
                buyer_id=None,
                trade_id=None,
                hidden_reason=HiddenReason.WITHDRAWN.value,
                updated_at=func.now(),
            )
        )
    return {"withdrawn": [row.id for row in rows], "released": released}


async def restore_user_articles(session: AsyncSession, command: RestoreUserArticles) -> dict[str, Any]:
    """Compensation of the withdrawal: the articles show again (released reservations stay released)."""
    restored = (
        (
            await session.execute(
                update(articles)
                .where(
                    articles.c.seller_id == command.user_id, articles.c.hidden_reason == HiddenReason.WITHDRAWN.value
                )
                .values(hidden_reason=None, updated_at=func.now())
                .returning(articles.c.id)
            )
        )
        .scalars()
        .all()
    )
    return {"restored": sorted(restored)}


HANDLERS = {
    ReserveArticle: reserve_article,
    ReleaseArticle: release_article,
    MarkArticleSold: mark_article_sold,
    WithdrawUserArticles: withdraw_user_articles,
    RestoreUserArticles: restore_user_articles,
}
