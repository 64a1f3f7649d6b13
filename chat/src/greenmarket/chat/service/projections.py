"""The chat's views of other services, applied from their events (never fetched over HTTP).

Article summaries come from `product.events`, counterpart profiles from `user.events`. A deleted
article or account also closes the rooms that depended on it. Each function is safe to replay:
upserts keep the latest state and closing an already closed room does nothing.
"""

from __future__ import annotations

from sqlalchemy import delete, func, or_, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from greenmarket.chat.domain import CloseReason
from greenmarket.chat.models import article_summaries, rooms, user_profiles
from greenmarket.chat.service.rooms import close_rooms
from greenmarket.chat.service.store import open_rooms_where
from greenmarket.schemas import Envelope, parse
from greenmarket.schemas.events.product import (
    ProductCreated,
    ProductDeleted,
    ProductStatusChanged,
    ProductUpdated,
)
from greenmarket.schemas.events.user import (
    UserDeleted,
    UserProfileUpdated,
    UserRegistered,
)


async def apply_product_events(session: AsyncSession, envelopes: list[Envelope]) -> None:
    for envelope in envelopes:
        if envelope.type not in _PRODUCT_TYPES:
            continue  # interests, reviews: not the chat's business
        event = parse(envelope)
        if isinstance(event, ProductCreated | ProductUpdated):
            await _upsert_article(session, event)
        elif isinstance(event, ProductStatusChanged):
            await session.execute(
                update(article_summaries)
                .where(article_summaries.c.article_id == event.article_id)
                .values(status=event.status, updated_at=func.now())
            )
        elif isinstance(event, ProductDeleted):
            await _article_deleted(session, event)


async def apply_user_events(session: AsyncSession, envelopes: list[Envelope]) -> None:
    for envelope in envelopes:
        if envelope.type not in _USER_TYPES:
            continue
        event = parse(envelope)
        if isinstance(event, UserRegistered | UserProfileUpdated):
            statement = pg_insert(user_profiles).values(
                user_id=event.user_id, nickname=event.nickname, profile_image_url=event.profile_image_url
            )
            await session.execute(
                statement.on_conflict_do_update(
                    index_elements=[user_profiles.c.user_id],
                    set_={
                        "nickname": event.nickname,
                        "profile_image_url": event.profile_image_url,
                        "updated_at": func.now(),
                    },
                    where=user_profiles.c.deleted.is_(False),
                )
            )
        elif isinstance(event, UserDeleted):
            await user_deleted(session, event.user_id)


async def user_deleted(session: AsyncSession, user_id: int) -> list[int]:
    """Forget the profile and close the user's rooms (also the CloseUserRooms command's effect)."""
    await session.execute(
        pg_insert(user_profiles)
        .values(user_id=user_id, deleted=True)
        .on_conflict_do_update(
            index_elements=[user_profiles.c.user_id],
            set_={"nickname": None, "profile_image_url": None, "deleted": True, "updated_at": func.now()},
        )
    )
    return await close_user_rooms(session, user_id)


async def close_user_rooms(session: AsyncSession, user_id: int) -> list[int]:
    open_rooms = await open_rooms_where(session, or_(rooms.c.buyer_id == user_id, rooms.c.seller_id == user_id))
    return await close_rooms(session, open_rooms, CloseReason.ACCOUNT_DELETED)


async def _upsert_article(session: AsyncSession, event: ProductCreated | ProductUpdated) -> None:
    values = {
        "seller_id": event.seller_id,
        "title": event.title,
        "price": event.price,
        "status": event.status,
        "thumb_url": event.thumb_url,
    }
    await session.execute(
        pg_insert(article_summaries)
        .values(article_id=event.article_id, **values)
        .on_conflict_do_update(
            index_elements=[article_summaries.c.article_id],
            set_={**values, "updated_at": func.now()},
            # A deleted article stays deleted even if an older snapshot is replayed.
            where=article_summaries.c.deleted.is_(False),
        )
    )


async def _article_deleted(session: AsyncSession, event: ProductDeleted) -> None:
    # A tombstone even for an article we never saw: room creation must refuse it.
    await session.execute(
        pg_insert(article_summaries)
        .values(
            article_id=event.article_id, seller_id=event.seller_id, title="", price=0, status="ON_SALE", deleted=True
        )
        .on_conflict_do_update(
            index_elements=[article_summaries.c.article_id], set_={"deleted": True, "updated_at": func.now()}
        )
    )
    await close_rooms(
        session, await open_rooms_where(session, rooms.c.article_id == event.article_id), CloseReason.ARTICLE_DELETED
    )


async def reset_article_summaries(session: AsyncSession) -> None:
    await session.execute(delete(article_summaries))


async def reset_user_profiles(session: AsyncSession) -> None:
    await session.execute(delete(user_profiles))


_PRODUCT_TYPES = {cls.type_name for cls in (ProductCreated, ProductUpdated, ProductStatusChanged, ProductDeleted)}
_USER_TYPES = {cls.type_name for cls in (UserRegistered, UserProfileUpdated, UserDeleted)}
