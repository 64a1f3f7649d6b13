"""Event and command types registered by (type, version).

Each message type is a pydantic payload model with class-level metadata: its name, version,
topic (logical, without a test prefix) and aggregate type. `envelope()` wraps a payload for the
outbox; `parse()` turns an envelope back into the typed payload.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeVar

from greenmarket.schemas.base import WireModel
from greenmarket.schemas.envelope import Envelope

_REGISTRY: dict[tuple[str, int], type[Message]] = {}

M = TypeVar("M", bound="Message")


class Message(WireModel):
    """A payload with its routing metadata. Subclasses set the ClassVars and register."""

    type_name: ClassVar[str]
    version: ClassVar[int] = 1
    topic: ClassVar[str]
    aggregate_type: ClassVar[str]
    message_kind: ClassVar[str] = "event"  # "event" | "command" | "reply"

    def envelope(
        self,
        *,
        aggregate_id: Any,
        producer: str,
        correlation_id: str | None = None,
        causation_id: str | None = None,
    ) -> Envelope:
        return Envelope(
            type=self.type_name,
            version=self.version,
            producer=producer,
            aggregate_type=self.aggregate_type,
            aggregate_id=str(aggregate_id),
            correlation_id=correlation_id,
            causation_id=causation_id,
            payload=self.to_wire(),
        )

    @classmethod
    def parse(cls: type[M], envelope: Envelope) -> M:
        return cls.model_validate(envelope.payload)


def register(cls: type[M]) -> type[M]:
    key = (cls.type_name, cls.version)
    if key in _REGISTRY and _REGISTRY[key] is not cls:
        raise ValueError(f"message type {key} registered twice")
    _REGISTRY[key] = cls
    return cls


def message_class(type_name: str, version: int = 1) -> type[Message]:
    try:
        return _REGISTRY[(type_name, version)]
    except KeyError:
        raise LookupError(f"unknown message type {type_name} v{version}") from None


def all_messages() -> list[type[Message]]:
    _load_all()
    return sorted(_REGISTRY.values(), key=lambda c: (c.topic, c.type_name, c.version))


def parse(envelope: Envelope) -> Message:
    return message_class(envelope.type, envelope.version).parse(envelope)


def _load_all() -> None:
    # Importing the modules registers their classes.
    from greenmarket.schemas import commands, events  # noqa: F401
