"""Socket.IO emits that wait for the transaction: nothing reaches a client before it is stored.

Service functions call `queue(session, ...)`. The sessions made by `broadcasting_sessionmaker`
hand the queued emits to a `Broadcaster` after COMMIT and drop them on ROLLBACK, so the REST
routes, the socket handlers, the saga participant and the Faust agents share one rule.
The broadcaster sends in commit order from one task, so a room's messages go out in seq order.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

_PENDING = "chat_pending_broadcasts"

Emit = Callable[[str, Any, str], Awaitable[None]]  # (event, data, room) -> None


@dataclass(frozen=True)
class Broadcast:
    event: str
    data: Any
    room: str


def room_channel(room_id: int) -> str:
    return f"room:{room_id}"


def user_channel(user_id: int) -> str:
    return f"user:{user_id}"


def queue(session: AsyncSession | Session, event_name: str, data: Any, room: str) -> None:
    info = session.info  # AsyncSession.info is the sync session's info
    info.setdefault(_PENDING, []).append(Broadcast(event_name, data, room))


class Broadcaster:
    """Sends committed broadcasts in order through `emit` (an AsyncServer or a write-only manager)."""

    def __init__(self, emit: Emit) -> None:
        self._emit = emit
        self._queue: asyncio.Queue[Broadcast] = asyncio.Queue()
        self._pump: asyncio.Task | None = None

    def post(self, broadcasts: list[Broadcast]) -> None:
        for broadcast in broadcasts:
            self._queue.put_nowait(broadcast)
        if self._pump is None or self._pump.done():
            self._pump = asyncio.get_running_loop().create_task(self._run(), name="chat-broadcaster")

    async def _run(self) -> None:
        while True:
            broadcast = await self._queue.get()
            try:
                await self._emit(broadcast.event, broadcast.data, broadcast.room)
            except Exception:
                log.exception("emit %s to %s failed", broadcast.event, broadcast.room)
            finally:
                self._queue.task_done()

    async def drain(self, timeout: float = 5.0) -> None:
        """Wait until everything posted so far was emitted (shutdown, tests)."""
        if self._pump is not None and not self._pump.done():
            await asyncio.wait_for(self._queue.join(), timeout)

    async def close(self) -> None:
        try:
            await self.drain()
        except TimeoutError:
            log.warning("dropping %d broadcasts at shutdown", self._queue.qsize())
        if self._pump is not None:
            self._pump.cancel()


def broadcasting_sessionmaker(engine: AsyncEngine, broadcaster: Broadcaster | None) -> async_sessionmaker[AsyncSession]:
    """Sessions whose queued broadcasts go to `broadcaster` after commit (or nowhere when None)."""

    class BroadcastingSession(Session):
        pass

    @event.listens_for(BroadcastingSession, "after_commit")
    def _after_commit(session: Session) -> None:
        pending = session.info.pop(_PENDING, None)
        if pending and broadcaster is not None:
            broadcaster.post(pending)

    @event.listens_for(BroadcastingSession, "after_rollback")
    def _after_rollback(session: Session) -> None:
        session.info.pop(_PENDING, None)

    return async_sessionmaker(engine, expire_on_commit=False, sync_session_class=BroadcastingSession)
