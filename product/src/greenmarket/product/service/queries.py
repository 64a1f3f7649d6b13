"""Read side: pages of articles for the list, a user's interests and purchases."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from greenmarket.product.cursors import decode_cursor, encode_cursor
from greenmarket.product.listing import ORDERS, ArticleFilter, next_cursor, page_query, visible
from greenmarket.product.models import articles, interests
from greenmarket.product.views import Article, load_articles


@dataclass(frozen=True)
class Page:
    items: list[Article]
    next_cursor: str | None


async def list_articles(
    session: AsyncSession, filters: ArticleFilter, order: str, cursor: str | None, limit: int, viewer_id: int | None
) -> Page:
    sort = ORDERS[order]
    rows = (await session.execute(page_query(filters, sort, cursor, limit))).all()
    items = await load_articles(session, [row.id for row in rows[:limit]], viewer_id=viewer_id)
    return Page(items, next_cursor(sort, rows, limit))


async def get_article(session: AsyncSession, article_id: int, viewer_id: int | None) -> Article | None:
    visible_id = (await session.execute(select(articles.c.id).where(articles.c.id == article_id, visible()))).scalar()
    if visible_id is None:
        return None
    found = await load_articles(session, [visible_id], viewer_id=viewer_id)
    return found[0] if found else None


async def _keyset_page(
    session: AsyncSession, query, key_column, id_column, name: str, cursor, limit, viewer_id
) -> Page:
    if cursor:
        value, last_id = decode_cursor(cursor, name, value_type=datetime)
        query = query.where(tuple_(key_column, id_column) < tuple_(value, last_id))
    rows = (
        await session.execute(
            query.add_columns(key_column.label("sort_value"))
            .order_by(key_column.desc(), id_column.desc())
            .limit(limit + 1)
        )
    ).all()
    items = await load_articles(session, [row.id for row in rows[:limit]], viewer_id=viewer_id)
    following = None
    if len(rows) > limit:
        following = encode_cursor(name, rows[limit - 1].sort_value, rows[limit - 1].id)
    return Page(items, following)


async def list_interests(session: AsyncSession, user_id: int, cursor: str | None, limit: int) -> Page:
    query = (
        select(interests.c.article_id.label("id"))
        .join(articles, articles.c.id == interests.c.article_id)
        .where(interests.c.user_id == user_id, visible())
    )
    return await _keyset_page(
        session, query, interests.c.created_at, interests.c.article_id, "interests", cursor, limit, user_id
    )


async def list_purchases(session: AsyncSession, user_id: int, cursor: str | None, limit: int) -> Page:
    query = select(articles.c.id).where(
        articles.c.buyer_id == user_id, articles.c.status == "SOLD", articles.c.deleted_at.is_(None)
    )
    return await _keyset_page(session, query, articles.c.sold_at, articles.c.id, "purchases", cursor, limit, user_id)
