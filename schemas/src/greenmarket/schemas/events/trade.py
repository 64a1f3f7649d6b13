"""Events on `trade.events`, published by the trade saga."""

from datetime import datetime

from greenmarket.schemas.registry import Message, register


class _TradeEvent(Message):
    topic = "trade.events"
    aggregate_type = "trade"
    trade_id: str
    article_id: int
    seller_id: int
    buyer_id: int


@register
class TradeReserved(_TradeEvent):
    type_name = "TradeReserved"
    expires_at: datetime


@register
class TradeCompleted(_TradeEvent):
    type_name = "TradeCompleted"


@register
class TradeCancelled(_TradeEvent):
    type_name = "TradeCancelled"
    reason: str


@register
class TradeExpired(_TradeEvent):
    type_name = "TradeExpired"
