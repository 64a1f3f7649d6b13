"""The chat's part in sagas: each handler runs in the participant's transaction, once per command."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from greenmarket.chat.domain import TRADE_RESERVED_TEXT, RoomStatus
from greenmarket.chat.service.messages import post_system_message
from greenmarket.chat.service.projections import close_user_rooms
from greenmarket.chat.service.store import room_for
from greenmarket.infra.messaging.participant import CommandRefused, Participant
from greenmarket.schemas.commands import (
    CloseUserRooms,
    ConfirmTradeRoom,
    PostTradeMessage,
)


async def confirm_trade_room(session: AsyncSession, command: ConfirmTradeRoom) -> dict[str, Any]:
    """A trade needs a conversation: the buyer's OPEN room with this seller about this article."""
    room = await room_for(session, command.article_id, command.buyer_id, lock=True)
    if room is None or room.seller_id != command.seller_id:
        raise CommandRefused("the buyer has no chat room with the seller for this article")
    if room.status is not RoomStatus.OPEN:
        raise CommandRefused("the buyer's chat room for this article is closed")
    message = await post_system_message(session, room, TRADE_RESERVED_TEXT)
    return {"roomId": room.id, "messageId": message.id}


async def post_trade_message(session: AsyncSession, command: PostTradeMessage) -> dict[str, Any]:
    # A trade step must not fail because a notice has nowhere to go: no room, no message.
    room = await room_for(session, command.article_id, command.buyer_id, lock=True)
    if room is None:
        return {"roomId": None}
    message = await post_system_message(session, room, command.text[:1000])
    return {"roomId": room.id, "messageId": message.id}


async def close_rooms_of_user(session: AsyncSession, command: CloseUserRooms) -> dict[str, Any]:
    closed = await close_user_rooms(session, command.user_id)
    return {"closedRoomIds": closed}


def chat_participant() -> Participant:
    return Participant(
        "chat",
        {
            ConfirmTradeRoom: confirm_trade_room,
            PostTradeMessage: post_trade_message,
            CloseUserRooms: close_rooms_of_user,
        },
    )
