"""Reading chat rows: rooms as domain objects, and the room/message JSON that clients get."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import or_, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from greenmarket.chat.domain import ArticleSummary, Room, RoomStatus
from greenmarket.chat.models import article_summaries, messages, rooms, user_profiles
from greenmarket.chat.wire import ArticleCard, Counterpart, MessageOut, RoomOut

ROOM_COLUMNS = (
    rooms.c.id,
    rooms.c.article_id,
    rooms.c.buyer_id,
    rooms.c.seller_id,
    rooms.c.status,
    rooms.c.last_seq,
    rooms.c.buyer_read_seq,
    rooms.c.seller_read_seq,
    rooms.c.created_at,
)


def _room(row) -> Room:
    return Room(
        id=row.id,
        article_id=row.article_id,
        buyer_id=row.buyer_id,
        seller_id=row.seller_id,
        status=RoomStatus(row.status),
        last_seq=row.last_seq,
        buyer_read_seq=row.buyer_read_seq,
        seller_read_seq=row.seller_read_seq,
        created_at=row.created_at,
    )


def message_out(row) -> MessageOut:
    return MessageOut(
        id=row.id,
        room_id=row.room_id,
        seq=row.seq,
        sender_id=row.sender_id,
        kind=row.kind,
        text=row.text,
        created_at=row.created_at,
    )


async def room_by_id(session: AsyncSession, room_id: int, *, lock: bool = False) -> Room | None:
    query = select(*ROOM_COLUMNS).where(rooms.c.id == room_id)
    if lock:
        # The row lock serializes writers of one room: seq allocation, closing.
        query = query.with_for_update()
    row = (await session.execute(query)).first()
    return _room(row) if row else None


async def room_for(session: AsyncSession, article_id: int, buyer_id: int, *, lock: bool = False) -> Room | None:
    query = select(*ROOM_COLUMNS).where(rooms.c.article_id == article_id, rooms.c.buyer_id == buyer_id)
    if lock:
        query = query.with_for_update()
    row = (await session.execute(query)).first()
    return _room(row) if row else None


async def rooms_of_user(session: AsyncSession, user_id: int, article_id: int | None = None) -> list[Room]:
    query = select(*ROOM_COLUMNS).where(or_(rooms.c.buyer_id == user_id, rooms.c.seller_id == user_id))
    if article_id is not None:
        query = query.where(rooms.c.article_id == article_id)
    query = query.order_by(rooms.c.last_activity_at.desc(), rooms.c.id.desc())
    return [_room(row) for row in await session.execute(query)]


async def open_rooms_where(session: AsyncSession, condition) -> list[Room]:
    """OPEN rooms matching `condition`, locked in id order (so two closers cannot deadlock)."""
    query = (
        select(*ROOM_COLUMNS)
        .where(condition, rooms.c.status == RoomStatus.OPEN.value)
        .order_by(rooms.c.id)
        .with_for_update()
    )
    return [_room(row) for row in await session.execute(query)]


async def room_ids_of_user(session: AsyncSession, user_id: int) -> list[int]:
    query = select(rooms.c.id).where(or_(rooms.c.buyer_id == user_id, rooms.c.seller_id == user_id))
    return [row.id for row in await session.execute(query)]


async def article_summary(session: AsyncSession, article_id: int) -> ArticleSummary | None:
    row = (await session.execute(select(article_summaries).where(article_summaries.c.article_id == article_id))).first()
    if row is None:
        return None
    return ArticleSummary(
        article_id=row.article_id,
        seller_id=row.seller_id,
        title=row.title,
        price=row.price,
        status=row.status,
        thumb_url=row.thumb_url,
        deleted=row.deleted,
    )


async def messages_where(
    session: AsyncSession, *conditions, newest_first: bool = False, limit: int
) -> list[MessageOut]:
    order = messages.c.seq.desc() if newest_first else messages.c.seq.asc()
    query = select(messages).where(*conditions).order_by(order).limit(limit)
    found = [message_out(row) for row in await session.execute(query)]
    return sorted(found, key=lambda m: m.seq)


async def room_views(session: AsyncSession, room_list: Sequence[Room], viewer_id: int) -> list[RoomOut]:
    """Room JSON for `viewer_id`: the article card and the counterpart come from the projections."""
    if not room_list:
        return []
    article_ids = {room.article_id for room in room_list}
    counterpart_ids = {room.counterpart_of(viewer_id) for room in room_list}
    articles = {
        row.article_id: row
        for row in await session.execute(
            select(article_summaries).where(article_summaries.c.article_id.in_(article_ids))
        )
    }
    profiles = {
        row.user_id: row
        for row in await session.execute(select(user_profiles).where(user_profiles.c.user_id.in_(counterpart_ids)))
    }
    last_messages = await _last_messages(session, [room for room in room_list if room.last_seq > 0])
    return [_room_out(room, viewer_id, articles, profiles, last_messages) for room in room_list]


async def _last_messages(session: AsyncSession, room_list: Iterable[Room]) -> dict[int, MessageOut]:
    pairs = [(room.id, room.last_seq) for room in room_list]
    if not pairs:
        return {}
    query = select(messages).where(tuple_(messages.c.room_id, messages.c.seq).in_(pairs))
    return {row.room_id: message_out(row) for row in await session.execute(query)}


def _room_out(room: Room, viewer_id: int, articles: dict, profiles: dict, last_messages: dict) -> RoomOut:
    article = articles.get(room.article_id)
    counterpart_id = room.counterpart_of(viewer_id)
    profile = profiles.get(counterpart_id)
    return RoomOut(
        id=room.id,
        article_id=room.article_id,
        buyer_id=room.buyer_id,
        seller_id=room.seller_id,
        status=room.status.value,
        article=ArticleCard(
            id=room.article_id,
            title=article.title if article else None,
            price=article.price if article else None,
            status=article.status if article else None,
            thumb_url=article.thumb_url if article else None,
        ),
        counterpart=Counterpart(
            id=counterpart_id,
            nickname=profile.nickname if profile else None,
            profile_image_url=profile.profile_image_url if profile else None,
        ),
        last_message=last_messages.get(room.id),
        unread_count=room.unread_count_for(viewer_id),
        created_at=room.created_at,
    )


async def room_view(session: AsyncSession, room: Room, viewer_id: int) -> RoomOut:
    return (await room_views(session, [room], viewer_id))[0]
