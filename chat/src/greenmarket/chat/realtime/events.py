"""Socket.IO events of CONTRACT §Chat. Handlers are thin: validate, call the service, ack."""

from __future__ import annotations

import logging
from http.cookies import SimpleCookie
from typing import Any

import socketio
from pydantic import Field, ValidationError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from greenmarket.chat.broadcasts import room_channel, user_channel
from greenmarket.chat.domain import MAX_CLIENT_MSG_ID_LENGTH, ChatError, RateLimited
from greenmarket.chat.models import messages
from greenmarket.chat.rate_limit import SendRateLimiter
from greenmarket.chat.realtime.metrics import CONNECTS_REFUSED, SOCKET_EVENTS, SOCKETS
from greenmarket.chat.service.messages import (
    mark_read,
    member_room,
    send_user_message,
    stored_by_client_id,
)
from greenmarket.chat.service.store import messages_where, room_ids_of_user
from greenmarket.chat.wire import to_json
from greenmarket.infra.auth import InvalidToken, JwksVerifier
from greenmarket.infra.auth.verifier import ACCESS_TOKEN_COOKIE
from greenmarket.infra.web.models import ApiModel

log = logging.getLogger(__name__)


class SendMessageIn(ApiModel):
    room_id: int
    text: str  # length rules live in domain.clean_text
    client_msg_id: str = Field(min_length=1, max_length=MAX_CLIENT_MSG_ID_LENGTH)


class SyncIn(ApiModel):
    room_id: int
    after_seq: int = Field(default=0, ge=0)


class ReadIn(ApiModel):
    room_id: int
    seq: int = Field(ge=0)


def _error(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"ok": False, "error": {"code": code, "message": message, **extra}}


def token_from_handshake(environ: dict, auth: Any) -> str | None:
    if isinstance(auth, dict) and isinstance(auth.get("token"), str) and auth["token"]:
        return auth["token"]
    cookie = SimpleCookie()
    try:
        cookie.load(environ.get("HTTP_COOKIE", ""))
    except Exception:  # noqa: BLE001 - a garbled cookie header is the same as none
        return None
    morsel = cookie.get(ACCESS_TOKEN_COOKIE)
    return morsel.value if morsel and morsel.value else None


def register_events(
    sio: socketio.AsyncServer,
    *,
    sessionmaker: async_sessionmaker[AsyncSession],
    verifier: JwksVerifier,
    limiter: SendRateLimiter,
    sync_max_items: int,
) -> None:
    async def user_of(sid: str) -> int:
        return (await sio.get_session(sid))["user_id"]

    async def guarded(event: str, work) -> dict[str, Any]:
        ack = await _answer(work)
        SOCKET_EVENTS.labels(event, "ok" if ack["ok"] else ack["error"]["code"]).inc()
        return ack

    async def _answer(work) -> dict[str, Any]:
        """Every failure becomes an error ack: a socket is never dropped for bad input."""
        try:
            return await work()
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(part) for part in first.get("loc", ())) or "payload"
            return _error("invalid", f"{field}: {first.get('msg', 'invalid')}")
        except RateLimited as exc:
            return _error(exc.code, exc.message, retryAfter=exc.retry_after)
        except ChatError as exc:
            return _error(exc.code, exc.message)
        except Exception:
            # A bug or an outage, not the client's fault: log it, answer, keep the socket.
            log.exception("socket handler failed")
            return _error("unavailable", "The message could not be handled; try again.")

    @sio.event
    async def connect(sid: str, environ: dict, auth: Any = None) -> None:
        token = token_from_handshake(environ, auth)
        if token is None:
            CONNECTS_REFUSED.labels("no_token").inc()
            raise socketio.exceptions.ConnectionRefusedError("unauthorized")
        try:
            principal = await verifier.verify(token)
        except InvalidToken:
            CONNECTS_REFUSED.labels("bad_token").inc()
            raise socketio.exceptions.ConnectionRefusedError("unauthorized") from None
        # The personal room first: a room created from now on reaches this socket through it
        # (see realtime.manager), and rooms created before are in the query below.
        await sio.enter_room(sid, user_channel(principal.user_id))
        try:
            async with sessionmaker() as session:
                room_ids = await room_ids_of_user(session, principal.user_id)
        except Exception:
            log.exception("cannot load the rooms of user %s", principal.user_id)
            CONNECTS_REFUSED.labels("unavailable").inc()
            raise socketio.exceptions.ConnectionRefusedError("unavailable") from None
        for room_id in room_ids:
            await sio.enter_room(sid, room_channel(room_id))
        await sio.save_session(sid, {"user_id": principal.user_id})
        SOCKETS.inc()

    @sio.event
    async def disconnect(sid: str, reason: Any = None) -> None:
        # Only sockets whose connect succeeded get here.
        SOCKETS.dec()

    @sio.event
    async def send_message(sid: str, data: Any = None) -> dict[str, Any]:
        async def work():
            user_id = await user_of(sid)
            payload = SendMessageIn.model_validate(data)
            try:
                await limiter.check(user_id)
            except RateLimited:
                # A retry of something already stored is answered even when over the limit.
                async with sessionmaker() as session:
                    stored = await stored_by_client_id(session, payload.room_id, user_id, payload.client_msg_id)
                if stored is None:
                    raise
                return {"ok": True, "message": to_json(stored)}
            async with sessionmaker() as session, session.begin():
                message = await send_user_message(
                    session,
                    room_id=payload.room_id,
                    sender_id=user_id,
                    text=payload.text,
                    client_msg_id=payload.client_msg_id,
                )
            return {"ok": True, "message": to_json(message)}

        return await guarded("send_message", work)

    @sio.event
    async def sync(sid: str, data: Any = None) -> dict[str, Any]:
        async def work():
            user_id = await user_of(sid)
            payload = SyncIn.model_validate(data)
            async with sessionmaker() as session:
                room = await member_room(session, payload.room_id, user_id)
                found = await messages_where(
                    session,
                    messages.c.room_id == room.id,
                    messages.c.seq > payload.after_seq,
                    limit=sync_max_items + 1,
                )
            items = found[:sync_max_items]
            return {"ok": True, "items": [to_json(m) for m in items], "hasMore": len(found) > sync_max_items}

        return await guarded("sync", work)

    @sio.event
    async def read(sid: str, data: Any = None) -> dict[str, Any]:
        async def work():
            user_id = await user_of(sid)
            payload = ReadIn.model_validate(data)
            async with sessionmaker() as session, session.begin():
                seq = await mark_read(session, room_id=payload.room_id, user_id=user_id, seq=payload.seq)
            return {"ok": True, "seq": seq}

        return await guarded("read", work)
