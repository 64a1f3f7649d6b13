"""Room and message JSON as clients see them (REST bodies and Socket.IO payloads alike)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from greenmarket.infra.web.models import ApiModel


class MessageOut(ApiModel):
    id: int
    room_id: int
    seq: int
    sender_id: int | None
    kind: Literal["user", "system"]
    text: str
    created_at: datetime


class ArticleCard(ApiModel):
    id: int
    title: str | None
    price: int | None
    status: str | None
    thumb_url: str | None


class Counterpart(ApiModel):
    id: int
    nickname: str | None
    profile_image_url: str | None


class RoomOut(ApiModel):
    id: int
    article_id: int
    buyer_id: int
    seller_id: int
    status: Literal["OPEN", "CLOSED"]
    article: ArticleCard
    counterpart: Counterpart
    last_message: MessageOut | None
    unread_count: int
    created_at: datetime


class RoomList(ApiModel):
    items: list[RoomOut]


class MessageList(ApiModel):
    items: list[MessageOut]


class CreateRoomIn(ApiModel):
    article_id: int


def to_json(model: ApiModel) -> dict[str, Any]:
    """camelCase, JSON-ready: what a socket event carries."""
    return model.model_dump(mode="json", by_alias=True)
