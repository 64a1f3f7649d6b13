"""Messages: stored with a gapless per-room seq, then fanned out after commit."""

from __future__ import annotations

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from greenmarket.chat.broadcasts import queue, room_channel
from greenmarket.chat.domain import NotFound, Room, RoomClosed, RoomStatus, clean_text
from greenmarket.chat.models import messages, rooms
from greenmarket.chat.service.store import message_out, messages_where, room_by_id
from greenmarket.chat.wire import MessageOut, to_json
from greenmarket.infra.messaging.outbox import Outbox
from greenmarket.schemas.events.chat import MessageSent

PRODUCER = "chat"
_outbox = Outbox()


async def member_room(session: AsyncSession, room_id: int, user_id: int, *, lock: bool = False) -> Room:
    room = await room_by_id(session, room_id, lock=lock)
    if room is None:
        raise NotFound("No such room.")
    room.require_member(user_id)
    return room


async def stored_by_client_id(
    session: AsyncSession, room_id: int, sender_id: int, client_msg_id: str
) -> MessageOut | None:
    row = (
        await session.execute(
            select(messages).where(
                messages.c.room_id == room_id,
                messages.c.sender_id == sender_id,
                messages.c.client_msg_id == client_msg_id,
            )
        )
    ).first()
    return message_out(row) if row else None


async def send_user_message(
    session: AsyncSession, *, room_id: int, sender_id: int, text: str, client_msg_id: str
) -> MessageOut:
    """Store a member's message once per clientMsgId; the caller commits."""
    text = clean_text(text)
    # The lock comes first: a retry racing its original waits here, then finds the stored copy.
    room = await member_room(session, room_id, sender_id, lock=True)
    if (stored := await stored_by_client_id(session, room_id, sender_id, client_msg_id)) is not None:
        return stored
    if room.status is not RoomStatus.OPEN:
        raise RoomClosed("This conversation is closed.")
    return await _append(session, room, sender_id=sender_id, kind="user", text=text, client_msg_id=client_msg_id)


async def post_system_message(session: AsyncSession, room: Room, text: str) -> MessageOut:
    """A server notice in a room (the room row must be locked by the caller's transaction)."""
    return await _append(session, room, sender_id=None, kind="system", text=text, client_msg_id=None)


async def _append(
    session: AsyncSession, room: Room, *, sender_id: int | None, kind: str, text: str, client_msg_id: str | None
) -> MessageOut:
    values = {"last_seq": rooms.c.last_seq + 1, "last_activity_at": func.now()}
    # Sending implies having read everything up to one's own message.
    if sender_id == room.buyer_id:
        values["buyer_read_seq"] = rooms.c.last_seq + 1
    elif sender_id == room.seller_id:
        values["seller_read_seq"] = rooms.c.last_seq + 1
    seq = (
        await session.execute(update(rooms).where(rooms.c.id == room.id).values(**values).returning(rooms.c.last_seq))
    ).scalar_one()
    row = (
        await session.execute(
            insert(messages)
            .values(room_id=room.id, seq=seq, sender_id=sender_id, kind=kind, text=text, client_msg_id=client_msg_id)
            .returning(*messages.c)
        )
    ).first()
    message = message_out(row)
    await _outbox.add(
        session,
        MessageSent(room_id=room.id, message_id=message.id, seq=seq, sender_id=sender_id, kind=kind).envelope(
            aggregate_id=room.id, producer=PRODUCER
        ),
    )
    queue(session, "message", to_json(message), room_channel(room.id))
    return message


async def messages_page(
    session: AsyncSession,
    room: Room,
    *,
    after_seq: int | None,
    before_seq: int | None,
    limit: int,
) -> list[MessageOut]:
    """Ascending seq. With afterSeq: the first `limit` after it; otherwise the last `limit` (before beforeSeq)."""
    conditions = [messages.c.room_id == room.id]
    if after_seq is not None:
        conditions.append(messages.c.seq > after_seq)
    if before_seq is not None:
        conditions.append(messages.c.seq < before_seq)
    return await messages_where(session, *conditions, newest_first=after_seq is None, limit=limit)


async def mark_read(session: AsyncSession, *, room_id: int, user_id: int, seq: int) -> int:
    """Move the reader's mark forward (never back, never past the last message); returns it."""
    room = await member_room(session, room_id, user_id, lock=True)
    column = "buyer_read_seq" if user_id == room.buyer_id else "seller_read_seq"
    new_mark = max(room.read_seq_of(user_id), min(seq, room.last_seq))
    if new_mark != room.read_seq_of(user_id):
        await session.execute(update(rooms).where(rooms.c.id == room.id).values({column: new_mark}))
    queue(session, "read", {"roomId": room.id, "userId": user_id, "seq": new_mark}, room_channel(room.id))
    return new_mark
