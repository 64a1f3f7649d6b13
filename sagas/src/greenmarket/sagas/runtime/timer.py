"""The timer: fires passed deadlines (reply timeouts, scheduled retries) and other due work.

Several orchestrator processes may run it at once: each due row is claimed with
`SELECT ... FOR UPDATE SKIP LOCKED`, so one process handles it and the others skip it. Because
deadlines are stored, a restarted orchestrator picks up every in-flight saga whose deadline passed
while it was away: that is the resume-after-crash path.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from greenmarket.infra.messaging.consumer import is_transient
from greenmarket.sagas.runtime import store
from greenmarket.sagas.runtime.engine import SagaEngine

log = logging.getLogger(__name__)

# Extra due work (e.g. trade reservations that expired): one item per call, True if it did one.
DueWork = Callable[[AsyncSession], Awaitable[bool]]


class SagaTimer:
    def __init__(
        self,
        engine: SagaEngine,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        interval: float = 1.0,
        extra_work: list[DueWork] | None = None,
        batch: int = 100,
    ) -> None:
        self.engine = engine
        self.sessionmaker = sessionmaker
        self.interval = interval
        self.extra_work = extra_work or []
        self.batch = batch

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await self.tick()
            except Exception as error:
                level = logging.WARNING if is_transient(error) else logging.ERROR
                log.log(
                    level,
                    "timer tick failed: %r",
                    error,
                    exc_info=not is_transient(error),
                )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), self.interval)

    async def tick(self) -> int:
        """Handle everything that is due now; returns how many items were handled."""
        done = 0
        for work in [self._fire_one_deadline, *self.extra_work]:
            for _ in range(self.batch):
                async with self.sessionmaker() as session, session.begin():
                    if not await work(session):
                        break
                done += 1
        return done

    async def _fire_one_deadline(self, session: AsyncSession) -> bool:
        due = await store.claim_due(session, limit=1)
        if not due:
            return False
        await self.engine.on_deadline(session, due[0])
        return True
