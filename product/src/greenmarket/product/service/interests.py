"""Interests (관심): one row per (article, user). The counter is NOT touched here.

`interest_count` is the interest-count projection's job (agents.py): a request only inserts or
deletes its row and writes the event, so 200 people liking one article never queue on its row lock.
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from greenmarket.infra.web.problems import Problem
from greenmarket.product.domain import RuleViolation, check_interest
from greenmarket.product.models import interests
from greenmarket.product.service.common import load_state, publish
from greenmarket.schemas.events.product import InterestAdded, InterestRemoved


async def insert_interest(session: AsyncSession, user_id: int, article_id: int) -> None:
    """Check the rules and record the interest; what counts it is up to the caller."""
    article = await load_state(session, article_id)
    if article is None or not article.visible:
        raise Problem(404, "No such article.")
    try:
        check_interest(article, user_id)
    except RuleViolation as violation:
        raise Problem(violation.status, violation.detail) from None
    # ON CONFLICT: two concurrent clicks both try; exactly one inserts, the other sees 409.
    inserted = (
        await session.execute(
            pg_insert(interests)
            .values(article_id=article_id, user_id=user_id)
            .on_conflict_do_nothing()
            .returning(interests.c.article_id)
        )
    ).first()
    if inserted is None:
        raise Problem(409, "You already marked this article.")


async def add_interest(session: AsyncSession, user_id: int, article_id: int) -> None:
    """Record the interest and publish InterestAdded; the interest-count agent counts it."""
    await insert_interest(session, user_id, article_id)
    await publish(session, InterestAdded(article_id=article_id, user_id=user_id), article_id)


async def remove_interest(session: AsyncSession, user_id: int, article_id: int) -> None:
    removed = (
        await session.execute(
            delete(interests)
            .where(interests.c.article_id == article_id, interests.c.user_id == user_id)
            .returning(interests.c.article_id)
        )
    ).first()
    if removed is None:
        raise Problem(404, "You have not marked this article.")
    await publish(session, InterestRemoved(article_id=article_id, user_id=user_id), article_id)
