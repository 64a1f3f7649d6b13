"""Opaque keyset cursors: base64url of JSON `[order, sort value, id]`.

The cursor names its order, so a cursor of one order handed to another is refused (422) rather
than silently skipping rows.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime
from typing import Any


class BadCursor(ValueError):
    pass


def encode_cursor(order: str, value: Any, row_id: int) -> str:
    if isinstance(value, datetime):
        value = value.isoformat()
    raw = json.dumps([order, value, row_id], separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, order: str, *, value_type: type) -> tuple[Any, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        cursor_order, value, row_id = json.loads(raw)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise BadCursor("The cursor is not one this API issued.") from None
    if cursor_order != order:
        raise BadCursor("The cursor belongs to another sort order; start again without a cursor.")
    if not isinstance(row_id, int) or isinstance(row_id, bool):
        raise BadCursor("The cursor is not one this API issued.")
    try:
        if value_type is datetime:
            value = datetime.fromisoformat(value)
        elif not isinstance(value, int) or isinstance(value, bool):
            raise TypeError
    except (TypeError, ValueError):
        raise BadCursor("The cursor is not one this API issued.") from None
    return value, row_id
