"""Events on `product.events`."""

from typing import Literal

from greenmarket.schemas.registry import Message, register

ArticleStatus = Literal["ON_SALE", "RESERVED", "SOLD"]


class _ProductEvent(Message):
    topic = "product.events"
    aggregate_type = "article"


class _ArticleSnapshot(_ProductEvent):
    article_id: int
    seller_id: int
    title: str
    price: int
    status: ArticleStatus
    category_id: int
    address1: str
    address2: str
    thumb_url: str | None = None


@register
class ProductCreated(_ArticleSnapshot):
    type_name = "ProductCreated"


@register
class ProductUpdated(_ArticleSnapshot):
    type_name = "ProductUpdated"


@register
class ProductStatusChanged(_ProductEvent):
    type_name = "ProductStatusChanged"
    article_id: int
    seller_id: int
    status: ArticleStatus
    previous_status: ArticleStatus
    buyer_id: int | None = None
    trade_id: str | None = None


@register
class ProductDeleted(_ProductEvent):
    type_name = "ProductDeleted"
    article_id: int
    seller_id: int


@register
class InterestAdded(_ProductEvent):
    type_name = "InterestAdded"
    article_id: int
    user_id: int


@register
class InterestRemoved(_ProductEvent):
    type_name = "InterestRemoved"
    article_id: int
    user_id: int


@register
class ReviewPosted(_ProductEvent):
    type_name = "ReviewPosted"
    article_id: int
    reviewer_id: int
    seller_id: int
    rating: int
