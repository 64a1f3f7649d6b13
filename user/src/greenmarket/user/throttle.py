"""Failed-login counters per email and per client address, kept in Postgres (shared by every API pod)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from greenmarket.user.domain import ThrottlePolicy, ThrottleState, after_failure, seconds_blocked
from greenmarket.user.models import login_throttle

EMAIL, ADDRESS = "email", "address"


class LoginThrottle:
    def __init__(self, policies: dict[str, ThrottlePolicy]) -> None:
        self.policies = policies

    async def _state(self, session: AsyncSession, scope: str, subject: str, *, lock: bool) -> ThrottleState | None:
        query = select(login_throttle).where(login_throttle.c.scope == scope, login_throttle.c.subject == subject)
        if lock:
            query = query.with_for_update()
        row = (await session.execute(query)).one_or_none()
        return ThrottleState(row.failures, row.window_started_at, row.blocked_until) if row else None

    async def retry_after(self, session: AsyncSession, subjects: dict[str, str]) -> int | None:
        """Seconds the caller must wait when any of its subjects is blocked, else None."""
        now = datetime.now(UTC)
        waits = []
        for scope, subject in subjects.items():
            wait = seconds_blocked(await self._state(session, scope, subject, lock=False), now)
            if wait is not None:
                waits.append(wait)
        return max(waits) if waits else None

    async def record_failure(self, session: AsyncSession, subjects: dict[str, str]) -> None:
        now = datetime.now(UTC)
        for scope, subject in subjects.items():
            # Make sure the row exists, then lock it: concurrent failures are all counted.
            await session.execute(
                insert(login_throttle)
                .values(scope=scope, subject=subject, failures=0, window_started_at=now)
                .on_conflict_do_nothing()
            )
            state = after_failure(await self._state(session, scope, subject, lock=True), now, self.policies[scope])
            await session.execute(
                login_throttle.update()
                .where(login_throttle.c.scope == scope, login_throttle.c.subject == subject)
                .values(
                    failures=state.failures,
                    window_started_at=state.window_started_at,
                    blocked_until=state.blocked_until,
                )
            )

    async def forget(self, session: AsyncSession, scope: str, subject: str) -> None:
        await session.execute(
            delete(login_throttle).where(login_throttle.c.scope == scope, login_throttle.c.subject == subject)
        )
