"""The event envelope every Kafka record carries (CONTRACT §Events)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import Field, field_serializer

from greenmarket.schemas.base import WireModel


def utc_now() -> datetime:
    return datetime.now(UTC)


class Envelope(WireModel):
    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    type: str
    version: int = 1
    occurred_at: datetime = Field(default_factory=utc_now)
    producer: str
    aggregate_type: str
    aggregate_id: str
    correlation_id: str | None = None
    causation_id: str | None = None
    payload: dict[str, Any]

    @field_serializer("occurred_at")
    def _iso_z(self, value: datetime) -> str:
        return value.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")

    @property
    def key(self) -> str:
        """Kafka record key: the aggregate id, so one aggregate's events stay in order."""
        return self.aggregate_id
