"""Reviews: the buyer of a sold article writes one."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from greenmarket.infra.web.problems import Problem
from greenmarket.product.domain import RuleViolation, check_review
from greenmarket.product.models import reviews
from greenmarket.product.service.common import load_state, publish
from greenmarket.schemas.events.product import ReviewPosted


async def post_review(session: AsyncSession, user_id: int, article_id: int, rating: int, content: str) -> None:
    article = await load_state(session, article_id)
    if article is None or article.deleted:
        raise Problem(404, "No such article.")
    try:
        check_review(article, user_id)
    except RuleViolation as violation:
        raise Problem(violation.status, violation.detail) from None
    inserted = (
        await session.execute(
            pg_insert(reviews)
            .values(
                article_id=article_id, reviewer_id=user_id, seller_id=article.seller_id, rating=rating, content=content
            )
            .on_conflict_do_nothing()
            .returning(reviews.c.article_id)
        )
    ).first()
    if inserted is None:
        raise Problem(409, "This article already has a review.")
    await publish(
        session,
        ReviewPosted(article_id=article_id, reviewer_id=user_id, seller_id=article.seller_id, rating=rating),
        article_id,
    )


async def get_review(session: AsyncSession, article_id: int):
    row = (await session.execute(select(reviews).where(reviews.c.article_id == article_id))).first()
    if row is None:
        raise Problem(404, "This article has no review.")
    return row
