"""Reading and writing account rows."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from greenmarket.user.domain import Account, AccountStatus
from greenmarket.user.models import users

_ACCOUNT_COLUMNS = [
    users.c.id,
    users.c.email,
    users.c.nickname,
    users.c.address1,
    users.c.address2,
    users.c.profile_image_url,
    users.c.role,
    users.c.status,
    users.c.deletion_saga_id,
    users.c.trade_count,
    users.c.review_count,
    users.c.created_at,
]


def _account(row) -> Account:
    return Account(**row._mapping)


async def get(session: AsyncSession, user_id: int, *, for_update: bool = False) -> Account | None:
    query = select(*_ACCOUNT_COLUMNS).where(users.c.id == user_id)
    if for_update:
        query = query.with_for_update()
    row = (await session.execute(query)).one_or_none()
    return _account(row) if row else None


async def get_many(session: AsyncSession, ids: Iterable[int]) -> list[Account]:
    rows = await session.execute(
        select(*_ACCOUNT_COLUMNS).where(users.c.id.in_(list(ids)), users.c.status != AccountStatus.DELETED)
    )
    return [_account(row) for row in rows]


async def find_with_hash(session: AsyncSession, email: str) -> tuple[Account, str] | None:
    row = (
        await session.execute(select(*_ACCOUNT_COLUMNS, users.c.password_hash).where(users.c.email == email))
    ).one_or_none()
    if row is None:
        return None
    values = dict(row._mapping)
    password_hash = values.pop("password_hash")
    return Account(**values), password_hash


async def email_exists(session: AsyncSession, email: str) -> bool:
    return bool(await session.scalar(select(func.count()).where(users.c.email == email)))


async def create(session: AsyncSession, **values) -> Account:
    row = (await session.execute(insert(users).values(**values).returning(*_ACCOUNT_COLUMNS))).one()
    return _account(row)


async def change(session: AsyncSession, user_id: int, **values) -> Account:
    statement = (
        update(users).where(users.c.id == user_id).values(**values, updated_at=func.now()).returning(*_ACCOUNT_COLUMNS)
    )
    row = (await session.execute(statement)).one()
    return _account(row)
