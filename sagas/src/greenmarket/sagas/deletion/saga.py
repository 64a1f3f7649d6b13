"""Account deletion:

LockAccount [UnlockAccount] → no COMPLETING trade (local) → WithdrawUserArticles [RestoreUserArticles]
→ cancel the user's RESERVED trades (local; point of no return) → CloseUserRooms (retriable)
→ AnonymizeAccount (retriable) → COMPLETED.

A refusal before the point of no return compensates in reverse (restore articles, unlock).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from greenmarket.sagas.runtime.definition import (
    SagaDefinition,
    SagaRecord,
    Step,
    StepRefused,
)
from greenmarket.sagas.runtime.engine import SagaEngine
from greenmarket.sagas.trades import domain, repository, service
from greenmarket.schemas.commands import (
    AnonymizeAccount,
    CloseUserRooms,
    LockAccount,
    RestoreUserArticles,
    UnlockAccount,
    WithdrawUserArticles,
)

ACCOUNT_DELETION = service.ACCOUNT_DELETION_SAGA


async def _no_completing_trade(session: AsyncSession, saga: SagaRecord, engine: SagaEngine) -> dict:
    completing = await repository.trades_of_user(session, saga.data["userId"], (domain.COMPLETING,))
    if completing:
        raise StepRefused(f"the user is a party of trade {completing[0].id}, which is being completed")
    return {}


async def _cancel_reservations(session: AsyncSession, saga: SagaRecord, engine: SagaEngine) -> dict:
    # Each RESERVED trade gets its own release saga (ReleaseArticle + a chat message); the trade
    # rows turn CANCELLED in this transaction, so no one can complete them any more.
    cancelled = await service.cancel_reservations_of(session, engine, saga.data["userId"])
    return {"cancelledTrades": cancelled}


def account_deletion_saga() -> SagaDefinition:
    return SagaDefinition(
        type=ACCOUNT_DELETION,
        steps=(
            Step(
                "lock_account",
                command=lambda d: LockAccount(user_id=d["userId"]),
                compensation=lambda d: UnlockAccount(user_id=d["userId"]),
            ),
            Step("check_no_completing_trade", local=_no_completing_trade),
            Step(
                "withdraw_articles",
                command=lambda d: WithdrawUserArticles(user_id=d["userId"]),
                compensation=lambda d: RestoreUserArticles(user_id=d["userId"]),
            ),
            Step("cancel_reservations", local=_cancel_reservations),
            Step(
                "close_rooms",
                command=lambda d: CloseUserRooms(user_id=d["userId"]),
                retriable=True,
            ),
            Step(
                "anonymize_account",
                command=lambda d: AnonymizeAccount(user_id=d["userId"]),
                retriable=True,
            ),
        ),
    )
