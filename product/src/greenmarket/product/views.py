"""What the API returns: article JSON assembled from articles, images, categories and sellers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from greenmarket.infra.web.models import ApiModel
from greenmarket.product.categories import CATEGORIES
from greenmarket.product.models import article_images, articles, interests, sellers

CATEGORY_NAMES = dict(CATEGORIES)


class Category(ApiModel):
    id: int
    name: str


class Image(ApiModel):
    url: str
    thumb_url: str
    width: int
    height: int


class Seller(ApiModel):
    id: int
    nickname: str | None
    profile_image_url: str | None
    address1: str | None
    address2: str | None


class Article(ApiModel):
    id: int
    title: str
    content: str | None = None
    price: int
    status: str
    category_id: int
    category: Category
    address1: str
    address2: str
    images: list[Image]
    interest_count: int
    seller: Seller
    created_at: datetime
    updated_at: datetime
    is_interested: bool | None = None
    buyer_id: int | None = None

    def to_json(self, *, with_content: bool = True) -> dict[str, Any]:
        body = self.model_dump(mode="json", by_alias=True)
        if not with_content:
            body.pop("content")
        # Optional keys appear only when they mean something (CONTRACT: isInterested?, buyerId?).
        if self.is_interested is None:
            body.pop("isInterested")
        if self.status != "SOLD" or self.buyer_id is None:
            body.pop("buyerId")
        for key in ("createdAt", "updatedAt"):
            body[key] = body[key].replace("+00:00", "Z")
        return body


class Review(ApiModel):
    article_id: int
    reviewer_id: int
    rating: int
    content: str
    created_at: datetime


async def load_articles(session: AsyncSession, ids: list[int], *, viewer_id: int | None = None) -> list[Article]:
    """Articles in the order of `ids` (missing ids are skipped), in three queries whatever the page size."""
    if not ids:
        return []
    rows = (
        await session.execute(
            select(
                articles,
                sellers.c.nickname,
                sellers.c.profile_image_url,
                sellers.c.address1.label("seller_address1"),
                sellers.c.address2.label("seller_address2"),
            )
            .outerjoin(sellers, sellers.c.user_id == articles.c.seller_id)
            .where(articles.c.id.in_(ids))
        )
    ).all()
    images: dict[int, list[Image]] = {}
    for image in (
        await session.execute(
            select(article_images).where(article_images.c.article_id.in_(ids)).order_by(article_images.c.position)
        )
    ).all():
        images.setdefault(image.article_id, []).append(
            Image(url=image.url, thumb_url=image.thumb_url, width=image.width, height=image.height)
        )
    interested: set[int] = set()
    if viewer_id is not None:
        interested = set(
            (
                await session.execute(
                    select(interests.c.article_id).where(
                        interests.c.user_id == viewer_id, interests.c.article_id.in_(ids)
                    )
                )
            ).scalars()
        )
    by_id = {}
    for row in rows:
        by_id[row.id] = Article(
            id=row.id,
            title=row.title,
            content=row.content,
            price=row.price,
            status=row.status,
            category_id=row.category_id,
            category=Category(id=row.category_id, name=CATEGORY_NAMES.get(row.category_id, "")),
            address1=row.address1,
            address2=row.address2,
            images=images.get(row.id, []),
            interest_count=row.interest_count,
            seller=Seller(
                id=row.seller_id,
                nickname=row.nickname,
                profile_image_url=row.profile_image_url,
                address1=row.seller_address1,
                address2=row.seller_address2,
            ),
            created_at=row.created_at,
            updated_at=row.updated_at,
            is_interested=(row.id in interested) if viewer_id is not None else None,
            buyer_id=row.buyer_id,
        )
    return [by_id[i] for i in ids if i in by_id]
