"""Refresh tokens: opaque secrets stored as hashes, rotated on use, grouped in families.

A login starts a family; every refresh replaces the token with a new one of the same family.
An old token presented again means someone kept a copy: the whole family is revoked.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from greenmarket.user.domain import RefreshVerdict, judge_refresh
from greenmarket.user.models import refresh_tokens
from greenmarket.user.tokens import new_refresh_secret, refresh_hash


@dataclass(frozen=True)
class Rotation:
    verdict: RefreshVerdict
    user_id: int | None = None
    new_secret: str | None = None


class RefreshTokens:
    def __init__(self, *, lifetime: timedelta, reuse_grace: timedelta) -> None:
        self.lifetime = lifetime
        self.reuse_grace = reuse_grace

    async def issue(self, session: AsyncSession, user_id: int, family_id: str | None = None) -> str:
        secret = new_refresh_secret()
        await session.execute(
            insert(refresh_tokens).values(
                token_hash=refresh_hash(secret),
                user_id=user_id,
                family_id=family_id or str(uuid.uuid4()),
                expires_at=datetime.now(UTC) + self.lifetime,
            )
        )
        return secret

    async def rotate(self, session: AsyncSession, secret: str) -> Rotation | None:
        """None when the token is unknown. Reuse revokes the family in this transaction."""
        row = (
            await session.execute(
                select(refresh_tokens).where(refresh_tokens.c.token_hash == refresh_hash(secret)).with_for_update()
            )
        ).one_or_none()
        if row is None:
            return None
        verdict = judge_refresh(
            now=datetime.now(UTC),
            expires_at=row.expires_at,
            rotated_at=row.rotated_at,
            revoked_at=row.revoked_at,
            grace=self.reuse_grace,
        )
        if verdict is RefreshVerdict.REUSED:
            await revoke_family(session, row.family_id)
        if verdict is not RefreshVerdict.ROTATE:
            return Rotation(verdict, row.user_id)
        await session.execute(update(refresh_tokens).where(refresh_tokens.c.id == row.id).values(rotated_at=func.now()))
        return Rotation(verdict, row.user_id, await self.issue(session, row.user_id, row.family_id))


async def revoke_family(session: AsyncSession, family_id: str) -> None:
    await session.execute(
        update(refresh_tokens)
        .where(refresh_tokens.c.family_id == family_id, refresh_tokens.c.revoked_at.is_(None))
        .values(revoked_at=func.now())
    )


async def revoke_presented(session: AsyncSession, secret: str) -> None:
    """Logout: the presented token's whole family (this browser's session) ends."""
    family = await session.scalar(
        select(refresh_tokens.c.family_id).where(refresh_tokens.c.token_hash == refresh_hash(secret))
    )
    if family is not None:
        await revoke_family(session, family)


async def revoke_user(session: AsyncSession, user_id: int) -> None:
    """Every session of the user ends (account locked or deleted)."""
    await session.execute(
        update(refresh_tokens)
        .where(refresh_tokens.c.user_id == user_id, refresh_tokens.c.revoked_at.is_(None))
        .values(revoked_at=func.now())
    )
