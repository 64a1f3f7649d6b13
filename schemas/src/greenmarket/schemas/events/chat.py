"""Events on `chat.events`. `MessageSent` carries no text: messages are private to the room."""

from typing import Literal

from greenmarket.schemas.registry import Message, register


class _ChatEvent(Message):
    topic = "chat.events"
    aggregate_type = "room"


@register
class ChatRoomCreated(_ChatEvent):
    type_name = "ChatRoomCreated"
    room_id: int
    article_id: int
    buyer_id: int
    seller_id: int


@register
class ChatRoomClosed(_ChatEvent):
    type_name = "ChatRoomClosed"
    room_id: int
    article_id: int
    reason: Literal["ARTICLE_DELETED", "ACCOUNT_DELETED"]


@register
class MessageSent(_ChatEvent):
    type_name = "MessageSent"
    room_id: int
    message_id: int
    seq: int
    sender_id: int | None
    kind: Literal["user", "system"]
