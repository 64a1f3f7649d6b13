"""Projections: denormalized views kept from topics, each with a way to rebuild it.

A service declares each view it keeps as a `ProjectionSpec` and registers it under the entry-point
group `greenmarket.projections` (name → "module:SPEC"), so `greenmarket projections list|rebuild`
can find it without importing every service by hand.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from greenmarket.infra.messaging.consumer import BatchHandler


@dataclass(frozen=True)
class ProjectionSpec:
    name: str  # e.g. "product.interest-counts"
    service: str  # whose database holds the view; DATABASE_URL of that service
    consumer: str  # the consumer name in processed_events, e.g. "product-interest-counter"
    topics: tuple[str, ...]  # logical topic names, without prefix
    reset: Callable[[AsyncSession], Awaitable[None]]  # empties the view (inside the rebuild transaction)
    batch_handler: BatchHandler  # applies events to the view; the live agent uses the same function
