"""Correlation ids for HTTP requests: taken from `X-Correlation-ID` or made up, echoed back.

The id is put in `greenmarket.infra.logging.correlation_id` for the request, so its log lines
carry it and every event it writes to the outbox gets it as `correlationId`: one id follows a
user's action from the gateway through every service that reacts to it.
"""

from __future__ import annotations

import re
import uuid

from greenmarket.infra.logging import correlation_id

HEADER = b"x-correlation-id"
# A client-chosen id is kept only if it is short and plain; anything else is replaced.
_ACCEPTABLE = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")


class CorrelationIdMiddleware:
    """Plain ASGI middleware (no extra task per request), also for websocket handshakes."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        sent = dict(scope.get("headers") or []).get(HEADER, b"").decode("latin-1")
        value = sent if _ACCEPTABLE.match(sent) else uuid.uuid4().hex
        token = correlation_id.set(value)

        async def send_with_id(message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), (HEADER, value.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            correlation_id.reset(token)
