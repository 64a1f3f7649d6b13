"""Envelopes to Kafka records and back: JSON value, aggregate-id key, eventId/type/traceparent headers."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass

from pydantic import ValidationError

from greenmarket.schemas import Envelope

Headers = list[tuple[str, bytes]]


class UndecodableRecord(ValueError):
    """The record is not an envelope. Retrying cannot help: it goes straight to the DLQ."""


def new_traceparent() -> str:
    # W3C trace context: version-traceid-parentid-flags.
    return f"00-{os.urandom(16).hex()}-{os.urandom(8).hex()}-01"


def encode_value(envelope: Envelope) -> bytes:
    return json.dumps(envelope.to_wire(), ensure_ascii=False, separators=(",", ":")).encode()


def record_headers(envelope: Envelope, traceparent: str | None = None) -> Headers:
    return [
        ("eventId", str(envelope.event_id).encode()),
        ("type", envelope.type.encode()),
        ("traceparent", (traceparent or new_traceparent()).encode()),
    ]


def decode_value(value: bytes | None) -> Envelope:
    if value is None:
        raise UndecodableRecord("record has no value")
    try:
        return Envelope.model_validate_json(value)
    except ValidationError as exc:
        raise UndecodableRecord(
            f"not an event envelope: {exc.error_count()} error(s): {exc.errors()[0]['msg']}"
        ) from exc


def header(headers, name: str) -> str | None:
    for key, value in headers or ():
        if key == name:
            return value.decode(errors="replace") if isinstance(value, bytes) else value
    return None


@dataclass(frozen=True)
class ConsumedRecord:
    """What a consumer needs of a Kafka record, independent of the client library."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    headers: Headers
    timestamp_ms: int

    @classmethod
    def from_aiokafka(cls, record) -> ConsumedRecord:
        return cls(
            record.topic,
            record.partition,
            record.offset,
            record.key,
            record.value,
            list(record.headers or ()),
            record.timestamp,
        )
