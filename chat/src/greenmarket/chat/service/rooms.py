"""Rooms: opening one (buyer side), reading them (members only), closing them (events, commands)."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from greenmarket.chat.broadcasts import queue, room_channel, user_channel
from greenmarket.chat.domain import (
    SYSTEM_TEXT,
    CloseReason,
    NotFound,
    Room,
    RoomStatus,
    check_can_open_room,
    check_not_sold,
)
from greenmarket.chat.models import rooms
from greenmarket.chat.service.messages import PRODUCER, post_system_message
from greenmarket.chat.service.store import (
    article_summary,
    room_by_id,
    room_for,
    room_view,
    room_views,
    rooms_of_user,
)
from greenmarket.chat.wire import RoomOut, to_json
from greenmarket.infra.messaging.outbox import Outbox
from greenmarket.schemas.events.chat import ChatRoomClosed, ChatRoomCreated

_outbox = Outbox()


async def open_room(session: AsyncSession, *, buyer_id: int, article_id: int) -> tuple[RoomOut, bool]:
    """The buyer's room for the article: (room, True) when it was created now."""
    article = check_can_open_room(await article_summary(session, article_id), buyer_id)
    if (existing := await room_for(session, article_id, buyer_id)) is not None:
        return await room_view(session, existing, buyer_id), False
    check_not_sold(article)
    inserted = (
        await session.execute(
            pg_insert(rooms)
            .values(article_id=article_id, buyer_id=buyer_id, seller_id=article.seller_id)
            .on_conflict_do_nothing(constraint="rooms_article_buyer_key")
            .returning(rooms.c.id)
        )
    ).scalar_one_or_none()
    if inserted is None:  # a concurrent request of the same buyer created it first
        return await room_view(session, await room_for(session, article_id, buyer_id), buyer_id), False
    room = await room_by_id(session, inserted)
    await _outbox.add(
        session,
        ChatRoomCreated(room_id=room.id, article_id=article_id, buyer_id=buyer_id, seller_id=room.seller_id).envelope(
            aggregate_id=room.id, producer=PRODUCER
        ),
    )
    # Both parties' open sockets learn about the room (and join it, see realtime.manager); the
    # buyer's other tabs need it as much as the seller does.
    queue(
        session, "room_created", to_json(await room_view(session, room, room.seller_id)), user_channel(room.seller_id)
    )
    buyer_view = await room_view(session, room, buyer_id)
    queue(session, "room_created", to_json(buyer_view), user_channel(buyer_id))
    return buyer_view, True


async def member_room_view(session: AsyncSession, *, room_id: int, user_id: int) -> RoomOut:
    room = await room_by_id(session, room_id)
    if room is None:
        raise NotFound("No such room.")
    room.require_member(user_id)
    return await room_view(session, room, user_id)


async def list_rooms(session: AsyncSession, *, user_id: int, article_id: int | None = None) -> list[RoomOut]:
    return await room_views(session, await rooms_of_user(session, user_id, article_id), user_id)


async def close_rooms(session: AsyncSession, room_list: list[Room], reason: CloseReason) -> list[int]:
    """Close OPEN rooms (locked by the caller): a system message, ChatRoomClosed, room_closed."""
    closed = []
    for room in room_list:
        if room.status is not RoomStatus.OPEN:
            continue
        await post_system_message(session, room, SYSTEM_TEXT[reason])
        await session.execute(
            update(rooms)
            .where(rooms.c.id == room.id)
            .values(status=RoomStatus.CLOSED.value, closed_reason=reason.value)
        )
        await _outbox.add(
            session,
            ChatRoomClosed(room_id=room.id, article_id=room.article_id, reason=reason.value).envelope(
                aggregate_id=room.id, producer=PRODUCER
            ),
        )
        queue(session, "room_closed", {"roomId": room.id, "reason": reason.value}, room_channel(room.id))
        closed.append(room.id)
    return closed
