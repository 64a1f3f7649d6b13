"""Chat rules, free of FastAPI, SQL, Socket.IO and Kafka."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

MAX_TEXT_LENGTH = 1000
MAX_CLIENT_MSG_ID_LENGTH = 64


class RoomStatus(StrEnum):
    OPEN = "OPEN"
    CLOSED = "CLOSED"


class CloseReason(StrEnum):
    ARTICLE_DELETED = "ARTICLE_DELETED"
    ACCOUNT_DELETED = "ACCOUNT_DELETED"


# What members read in the room when the server speaks (kind "system", no sender).
SYSTEM_TEXT = {
    CloseReason.ARTICLE_DELETED: "판매자가 게시글을 삭제하여 대화가 종료되었습니다.",
    CloseReason.ACCOUNT_DELETED: "상대방이 탈퇴하여 대화가 종료되었습니다.",
}
TRADE_RESERVED_TEXT = "거래가 예약되었습니다. 약속 장소와 시간을 정해 보세요."


class ChatError(Exception):
    """A rule said no. `code` is what a socket ack carries; `status` what a REST answer uses."""

    code = "error"
    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ChatError):
    code, status = "not_found", 404


class Forbidden(ChatError):
    code, status = "forbidden", 403


class Conflict(ChatError):
    code, status = "conflict", 409


class RoomClosed(ChatError):
    code, status = "room_closed", 409


class InvalidInput(ChatError):
    code, status = "invalid", 422


class RateLimited(ChatError):
    code, status = "rate_limited", 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Room:
    id: int
    article_id: int
    buyer_id: int
    seller_id: int
    status: RoomStatus
    last_seq: int
    buyer_read_seq: int
    seller_read_seq: int
    created_at: datetime

    def is_member(self, user_id: int) -> bool:
        return user_id in (self.buyer_id, self.seller_id)

    def require_member(self, user_id: int) -> None:
        if not self.is_member(user_id):
            raise Forbidden("Only the buyer and the seller of this room may do that.")

    def counterpart_of(self, user_id: int) -> int:
        return self.seller_id if user_id == self.buyer_id else self.buyer_id

    def read_seq_of(self, user_id: int) -> int:
        return self.buyer_read_seq if user_id == self.buyer_id else self.seller_read_seq

    def unread_count_for(self, user_id: int) -> int:
        return max(0, self.last_seq - self.read_seq_of(user_id))


@dataclass(frozen=True)
class ArticleSummary:
    article_id: int
    seller_id: int
    title: str
    price: int
    status: str
    thumb_url: str | None
    deleted: bool


def check_can_open_room(article: ArticleSummary | None, buyer_id: int) -> ArticleSummary:
    """A buyer may open a room on someone else's article that still exists."""
    if article is None or article.deleted:
        raise NotFound("No such article.")
    if article.seller_id == buyer_id:
        raise Forbidden("You cannot open a chat on your own article.")
    return article


def check_not_sold(article: ArticleSummary) -> None:
    # Checked after "do I already have a room?": a buyer can still reach an existing conversation.
    if article.status == "SOLD":
        raise Conflict("The article is already sold.")


def clean_text(text: object) -> str:
    if not isinstance(text, str) or not text.strip():
        raise InvalidInput("text must be 1-1000 characters.")
    if len(text) > MAX_TEXT_LENGTH:
        raise InvalidInput("text must be 1-1000 characters.")
    return text
