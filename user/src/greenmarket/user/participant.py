"""The user service's side of the sagas: account deletion and trade recording commands."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from sqlalchemy.ext.asyncio import AsyncSession

from greenmarket.infra.images import MediaStore
from greenmarket.infra.messaging.participant import CommandRefused, Participant
from greenmarket.schemas.commands import AnonymizeAccount, LockAccount, RecordTrade, UnlockAccount
from greenmarket.user import lifecycle
from greenmarket.user.domain import AccountError


def _refusing(handler: Callable[[AsyncSession, object], Awaitable[dict | None]]):
    """A business rule saying no becomes a FAILURE reply, so the saga compensates."""

    async def handle(session: AsyncSession, command) -> dict | None:
        try:
            return await handler(session, command)
        except AccountError as error:
            raise CommandRefused(error.message) from None

    return handle


def user_participant(media: MediaStore) -> Participant:
    async def lock(session: AsyncSession, command: LockAccount) -> None:
        await lifecycle.lock_account(session, command.user_id)

    async def unlock(session: AsyncSession, command: UnlockAccount) -> None:
        await lifecycle.unlock_account(session, command.user_id)

    async def record(session: AsyncSession, command: RecordTrade) -> dict:
        counted = await lifecycle.record_trade(session, command.trade_id, command.seller_id, command.buyer_id)
        return {"counted": counted}

    async def anonymize(session: AsyncSession, command: AnonymizeAccount) -> None:
        await lifecycle.anonymize_account(session, command.user_id, media)

    return Participant(
        "user",
        {
            LockAccount: _refusing(lock),
            UnlockAccount: _refusing(unlock),
            RecordTrade: _refusing(record),
            AnonymizeAccount: _refusing(anonymize),
        },
    )
