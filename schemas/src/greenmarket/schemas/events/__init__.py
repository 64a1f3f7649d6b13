"""Domain events, one module per producing service."""

from greenmarket.schemas.events import chat, product, trade, user  # noqa: F401
