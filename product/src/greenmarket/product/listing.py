"""Article listing and search as SQL: filters, keyword, sort orders and keyset pagination.

Every order sorts on (key, id) in one direction, so `(key, id) < (:key, :id)` (or `>`) picks up
exactly after the last row of the previous page, whatever is inserted in between.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, func, or_, select, tuple_
from sqlalchemy.sql import ColumnElement

from greenmarket.product.cursors import decode_cursor, encode_cursor
from greenmarket.product.models import articles


@dataclass(frozen=True)
class SortOrder:
    name: str
    column: ColumnElement
    descending: bool
    value_type: type


ORDERS: dict[str, SortOrder] = {
    "-createdAt": SortOrder("-createdAt", articles.c.created_at, True, datetime),
    "-interestCount": SortOrder("-interestCount", articles.c.interest_count, True, int),
    "price": SortOrder("price", articles.c.price, False, int),
    "-price": SortOrder("-price", articles.c.price, True, int),
}


@dataclass(frozen=True)
class ArticleFilter:
    keyword: str | None = None
    category_id: int | None = None
    address1: str | None = None
    address2: str | None = None
    seller_id: int | None = None
    status: str | None = None
    min_price: int | None = None
    max_price: int | None = None


def visible() -> ColumnElement[bool]:
    return and_(articles.c.deleted_at.is_(None), articles.c.hidden_reason.is_(None))


def escape_like(keyword: str) -> str:
    return keyword.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def keyword_condition(keyword: str) -> ColumnElement[bool]:
    """Case-insensitive substring match on title or content; the keyword is always a bound value.

    Two indexes can serve it: pg_trgm GIN indexes (title, content) for the ILIKE, and a GIN index
    over the rows' lower-cased character bigrams. The bigram condition is what makes Korean fast:
    a 2-character keyword has no trigram at all, and under the C locale pg_trgm ignores Hangul.
    Both conditions are exact filters, so the planner may pick either index (or both).
    """
    pattern = f"%{escape_like(keyword)}%"
    matches = or_(articles.c.title.ilike(pattern, escape="\\"), articles.c.content.ilike(pattern, escape="\\"))
    grams = func.article_search_grams(articles.c.title, articles.c.content)
    return and_(grams.op("@>")(func.search_grams(keyword)), matches)


def filter_conditions(f: ArticleFilter) -> list[ColumnElement[bool]]:
    conditions = [visible()]
    if f.keyword:
        conditions.append(keyword_condition(f.keyword))
    if f.category_id is not None:
        conditions.append(articles.c.category_id == f.category_id)
    if f.address1 is not None:
        conditions.append(articles.c.address1 == f.address1)
    if f.address2 is not None:
        conditions.append(articles.c.address2 == f.address2)
    if f.seller_id is not None:
        conditions.append(articles.c.seller_id == f.seller_id)
    if f.status is not None:
        conditions.append(articles.c.status == f.status)
    if f.min_price is not None:
        conditions.append(articles.c.price >= f.min_price)
    if f.max_price is not None:
        conditions.append(articles.c.price <= f.max_price)
    return conditions


def page_query(f: ArticleFilter, order: SortOrder, cursor: str | None, limit: int) -> Select:
    """Ids and sort keys of one page (+1 row to know whether there is a next page)."""
    conditions = filter_conditions(f)
    key = tuple_(order.column, articles.c.id)
    if cursor:
        value, last_id = decode_cursor(cursor, order.name, value_type=order.value_type)
        after = tuple_(value, last_id)
        conditions.append(key < after if order.descending else key > after)
    sort = (
        (order.column.desc(), articles.c.id.desc()) if order.descending else (order.column.asc(), articles.c.id.asc())
    )
    return select(articles.c.id, order.column.label("sort_value")).where(*conditions).order_by(*sort).limit(limit + 1)


def next_cursor(order: SortOrder, rows: list, limit: int) -> str | None:
    if len(rows) <= limit:
        return None
    last = rows[limit - 1]
    return encode_cursor(order.name, last.sort_value, last.id)
