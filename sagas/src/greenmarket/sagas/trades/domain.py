"""Trade rules, free of SQL and HTTP: who may do what to a trade in which status."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

RESERVING, RESERVED, COMPLETING, COMPLETED = (
    "RESERVING",
    "RESERVED",
    "COMPLETING",
    "COMPLETED",
)
CANCELLED, EXPIRED, FAILED = "CANCELLED", "EXPIRED", "FAILED"
ACTIVE = (RESERVING, RESERVED, COMPLETING)

RESERVE_SAGA, COMPLETE_SAGA, RELEASE_SAGA = (
    "trade.reserve",
    "trade.complete",
    "trade.release",
)


class TradeRuleBroken(Exception):
    """A request that breaks a trade rule; `status` is the HTTP answer (403, 404, 409)."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


@dataclass(frozen=True)
class ArticleView:
    article_id: int
    seller_id: int
    status: str
    deleted: bool


@dataclass(frozen=True)
class Trade:
    id: str
    article_id: int
    seller_id: int
    buyer_id: int
    status: str
    saga_id: str
    reason: str | None
    created_at: datetime | None
    reserved_at: datetime | None
    completed_at: datetime | None
    expires_at: datetime | None

    def is_party(self, user_id: int) -> bool:
        return user_id in (self.seller_id, self.buyer_id)


def check_can_reserve(
    article: ArticleView | None,
    seller_id: int,
    buyer_id: int,
    buyer_has_room: bool,
    has_active_trade: bool,
) -> None:
    if article is None or article.deleted:
        raise TradeRuleBroken(404, "No such article.")
    if article.seller_id != seller_id:
        raise TradeRuleBroken(403, "Only the seller can reserve this article.")
    if buyer_id == seller_id:
        raise TradeRuleBroken(409, "The seller cannot be the buyer.")
    if article.status != "ON_SALE" or has_active_trade:
        raise TradeRuleBroken(409, "The article is not on sale.")
    if not buyer_has_room:
        raise TradeRuleBroken(409, "The buyer has no chat room for this article.")


def check_can_view(trade: Trade | None, user_id: int, is_operator: bool) -> Trade:
    if trade is None:
        raise TradeRuleBroken(404, "No such trade.")
    if not (is_operator or trade.is_party(user_id)):
        raise TradeRuleBroken(403, "Only the seller, the buyer or an operator can see this trade.")
    return trade


def check_can_complete(trade: Trade | None, user_id: int, now: datetime) -> Trade:
    if trade is None:
        raise TradeRuleBroken(404, "No such trade.")
    if trade.seller_id != user_id:
        raise TradeRuleBroken(403, "Only the seller can complete a trade.")
    if trade.status != RESERVED:
        raise TradeRuleBroken(409, f"The trade is {trade.status}.")
    if trade.expires_at is not None and trade.expires_at <= now:
        raise TradeRuleBroken(409, "The reservation has expired.")
    return trade


def check_can_cancel(trade: Trade | None, user_id: int) -> Trade:
    if trade is None:
        raise TradeRuleBroken(404, "No such trade.")
    if not trade.is_party(user_id):
        raise TradeRuleBroken(403, "Only the seller or the buyer can cancel a trade.")
    if trade.status != RESERVED:
        raise TradeRuleBroken(409, f"The trade is {trade.status}.")
    return trade
