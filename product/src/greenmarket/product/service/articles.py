"""Article use cases: create, edit, delete. Each commits its rows and events in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from greenmarket.infra.auth import Principal
from greenmarket.infra.images import MediaStore
from greenmarket.infra.web.problems import Problem
from greenmarket.product.categories import CATEGORIES
from greenmarket.product.domain import RuleViolation, Status, check_deletable, check_editable, check_owner
from greenmarket.product.models import article_images, articles, interests, sellers
from greenmarket.product.service.common import first_thumb, load_state, publish, publish_status_change
from greenmarket.product.service.media import StagedImages, StoredImage, check_image_count
from greenmarket.schemas.events.product import ProductCreated, ProductDeleted, ProductUpdated

CATEGORY_IDS = {category_id for category_id, _ in CATEGORIES}


@dataclass(frozen=True)
class ArticleFields:
    title: str
    content: str
    price: int
    category_id: int
    address1: str
    address2: str


def check_category(category_id: int) -> None:
    if category_id not in CATEGORY_IDS:
        raise Problem(
            422,
            "Unknown category.",
            title="Validation failed",
            errors=[{"field": "categoryId", "message": f"no category {category_id}"}],
        )


def as_problem(violation: RuleViolation) -> Problem:
    return Problem(violation.status, violation.detail)


async def _insert_images(session: AsyncSession, article_id: int, images: list[StoredImage]) -> None:
    await session.execute(
        insert(article_images),
        [
            {
                "article_id": article_id,
                "position": i,
                "url": im.url,
                "thumb_url": im.thumb_url,
                "width": im.width,
                "height": im.height,
            }
            for i, im in enumerate(images)
        ],
    )


async def _snapshot_event(session: AsyncSession, cls, article_id: int):
    row = (await session.execute(select(articles).where(articles.c.id == article_id))).one()
    return cls(
        article_id=row.id,
        seller_id=row.seller_id,
        title=row.title,
        price=row.price,
        status=row.status,
        category_id=row.category_id,
        address1=row.address1,
        address2=row.address2,
        thumb_url=await first_thumb(session, row.id),
    )


async def create_article(
    sessionmaker: async_sessionmaker[AsyncSession],
    store: MediaStore,
    seller: Principal,
    fields: ArticleFields,
    decoded_images: list,
) -> int:
    check_category(fields.category_id)
    check_image_count(len(decoded_images))
    staged = StagedImages(store)
    try:
        stored = staged.save(decoded_images)
        async with sessionmaker() as session, session.begin():
            # Until user.events tells us more, the token's nickname is the best seller name we have.
            await session.execute(
                pg_insert(sellers)
                .values(user_id=seller.user_id, nickname=seller.nickname or None)
                .on_conflict_do_nothing()
            )
            article_id = (
                await session.execute(
                    insert(articles).values(seller_id=seller.user_id, **fields.__dict__).returning(articles.c.id)
                )
            ).scalar_one()
            await _insert_images(session, article_id, stored)
            await publish(session, await _snapshot_event(session, ProductCreated, article_id), article_id)
    except BaseException:
        staged.discard()
        raise
    return article_id


async def update_article(
    sessionmaker: async_sessionmaker[AsyncSession],
    store: MediaStore,
    user: Principal,
    article_id: int,
    fields: ArticleFields,
    keep_images: list[str],
    decoded_images: list,
    requested_status: Status | None,
) -> None:
    check_category(fields.category_id)
    if len(set(keep_images)) != len(keep_images):
        raise Problem(
            422,
            "keepImages lists an image twice.",
            title="Validation failed",
            errors=[{"field": "keepImages", "message": "duplicate url"}],
        )
    check_image_count(len(keep_images) + len(decoded_images))
    staged = StagedImages(store)
    removed_files: list[str] = []
    try:
        stored = staged.save(decoded_images)
        async with sessionmaker() as session, session.begin():
            article = await load_state(session, article_id, for_update=True)
            if article is None or not article.visible:
                raise Problem(404, "No such article.")
            try:
                check_owner(article, user.user_id, "edit")
                check_editable(article, requested_status)
            except RuleViolation as violation:
                raise as_problem(violation) from None
            current = (
                await session.execute(
                    select(article_images)
                    .where(article_images.c.article_id == article_id)
                    .order_by(article_images.c.position)
                )
            ).all()
            by_url = {row.url: row for row in current}
            unknown = [url for url in keep_images if url not in by_url]
            if unknown:
                raise Problem(
                    422,
                    "keepImages may only list this article's current image urls.",
                    title="Validation failed",
                    errors=[{"field": "keepImages", "message": f"not an image of this article: {unknown[0]}"}],
                )
            kept = [
                StoredImage(by_url[u].url, by_url[u].thumb_url, by_url[u].width, by_url[u].height) for u in keep_images
            ]
            removed_files = [f for row in current if row.url not in keep_images for f in (row.url, row.thumb_url)]
            await session.execute(delete(article_images).where(article_images.c.article_id == article_id))
            await _insert_images(session, article_id, kept + stored)
            values = dict(fields.__dict__, updated_at=func.now())
            if requested_status is not None and requested_status is not article.status:
                values["status"] = requested_status.value
                if requested_status is Status.SOLD:
                    values["sold_at"] = func.now()  # sold outside the app: no buyer
                await publish_status_change(session, article, requested_status, buyer_id=None, trade_id=None)
            await session.execute(update(articles).where(articles.c.id == article_id).values(**values))
            await publish(session, await _snapshot_event(session, ProductUpdated, article_id), article_id)
    except BaseException:
        staged.discard()
        raise
    for url in removed_files:
        store.delete(url)


async def delete_article(
    sessionmaker: async_sessionmaker[AsyncSession], store: MediaStore, user: Principal, article_id: int
) -> None:
    async with sessionmaker() as session, session.begin():
        article = await load_state(session, article_id, for_update=True)
        if article is None or not article.visible:
            raise Problem(404, "No such article.")
        try:
            check_owner(article, user.user_id, "delete")
            check_deletable(article)
        except RuleViolation as violation:
            raise as_problem(violation) from None
        files = [
            f
            for row in (
                await session.execute(select(article_images).where(article_images.c.article_id == article_id))
            ).all()
            for f in (row.url, row.thumb_url)
        ]
        # The row stays (soft delete) so a sale's buyer and review keep their article id;
        # photos and interests go.
        await session.execute(delete(article_images).where(article_images.c.article_id == article_id))
        await session.execute(delete(interests).where(interests.c.article_id == article_id))
        await session.execute(
            update(articles).where(articles.c.id == article_id).values(deleted_at=func.now(), updated_at=func.now())
        )
        await publish(session, ProductDeleted(article_id=article_id, seller_id=article.seller_id), article_id)
    for url in files:
        store.delete(url)
