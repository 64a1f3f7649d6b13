"""Pure rules of articles: statuses, what an owner may do, trade transitions. No SQL, no HTTP."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

MAX_IMAGES = 12


class Status(StrEnum):
    ON_SALE = "ON_SALE"
    RESERVED = "RESERVED"
    SOLD = "SOLD"


class HiddenReason(StrEnum):
    WITHDRAWN = "WITHDRAWN"  # the seller's account deletion is in progress; RestoreUserArticles undoes it
    SELLER_DELETED = "SELLER_DELETED"  # UserDeleted: final


class RuleViolation(Exception):
    """An owner asked for something the article's state forbids. `status` is the HTTP answer."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


@dataclass(frozen=True)
class ArticleState:
    id: int
    seller_id: int
    status: Status
    buyer_id: int | None
    trade_id: str | None
    deleted: bool
    hidden: bool

    @property
    def visible(self) -> bool:
        return not self.deleted and not self.hidden


def check_owner(article: ArticleState, user_id: int, action: str) -> None:
    if article.seller_id != user_id:
        raise RuleViolation(403, f"Only the seller may {action} this article.")


def check_editable(article: ArticleState, requested_status: Status | None) -> None:
    """An owner's edit. The status is the trade's business: an owner may only mark an article
    sold outside the app (ON_SALE → SOLD, no buyer), as the prototype allowed."""
    if article.status is Status.SOLD:
        raise RuleViolation(409, "A sold article can no longer be edited.")
    if requested_status is None or requested_status is article.status:
        return
    if article.status is Status.RESERVED:
        raise RuleViolation(409, "The article is reserved by a trade; its status changes only through the trade.")
    if requested_status is Status.RESERVED:
        raise RuleViolation(409, "Reserve an article by starting a trade (POST /api/trades).")


def check_deletable(article: ArticleState) -> None:
    if article.status is Status.RESERVED:
        raise RuleViolation(409, "The article is reserved by a trade; cancel the trade first.")


def check_interest(article: ArticleState, user_id: int) -> None:
    if article.seller_id == user_id:
        raise RuleViolation(403, "You cannot mark your own article as interesting.")


def check_review(article: ArticleState, user_id: int) -> None:
    if article.status is not Status.SOLD or article.buyer_id is None:
        raise RuleViolation(403, "Only the buyer of a sold article may review it.")
    if article.buyer_id != user_id:
        raise RuleViolation(403, "Only the buyer of this article may review it.")


# Trade transitions (the saga participant). Each returns a reason to refuse, or None. -----------
def refuse_reserve(article: ArticleState | None, trade_id: str, seller_id: int, buyer_id: int) -> str | None:
    if article is None or not article.visible:
        return "article not found"
    if article.seller_id != seller_id:
        return "the article is not this seller's"
    if buyer_id == seller_id:
        return "a seller cannot buy their own article"
    if article.status is Status.RESERVED and article.trade_id == trade_id:
        return None  # the same trade again: already done
    if article.status is not Status.ON_SALE:
        return f"the article is {article.status.value}"
    return None


def refuse_mark_sold(article: ArticleState | None, trade_id: str) -> str | None:
    if article is None or article.deleted:
        return "article not found"
    if article.trade_id != trade_id or article.status is Status.ON_SALE:
        return "the article is not reserved by this trade"
    return None
