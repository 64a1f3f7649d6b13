"""What sagas and other services' events do to accounts. Each runs in its caller's transaction
(the participant's or the consumer's), so the effect commits with the dedup record and the reply.
"""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from greenmarket.infra.images import MediaStore
from greenmarket.schemas.events.user import UserDeleted
from greenmarket.user import accounts, events
from greenmarket.user.domain import DELETED_NICKNAME, Account, AccountError, AccountStatus, Role, not_found
from greenmarket.user.models import counted_reviews, recorded_trades, users
from greenmarket.user.refresh import revoke_user


async def lock_account(session: AsyncSession, user_id: int) -> None:
    """No login and no refresh from now on; every open session ends."""
    account = await accounts.get(session, user_id, for_update=True)
    if account is None or account.is_deleted:
        raise not_found()
    if account.status != AccountStatus.LOCKED:
        await accounts.change(session, user_id, status=AccountStatus.LOCKED)
    await revoke_user(session, user_id)


async def unlock_account(session: AsyncSession, user_id: int) -> None:
    """Compensation of a deletion: the account is usable again and a new deletion may start."""
    account = await accounts.get(session, user_id, for_update=True)
    # A compensation must succeed: with nothing locked (or nothing left to unlock) it is a no-op.
    if account is None or account.is_deleted:
        return
    if account.status != AccountStatus.ACTIVE or account.deletion_saga_id is not None:
        await accounts.change(session, user_id, status=AccountStatus.ACTIVE, deletion_saga_id=None)


async def record_trade(session: AsyncSession, trade_id: str, seller_id: int, buyer_id: int) -> bool:
    """Counts a completed trade for both sides, once per trade id. False when already counted."""
    first_time = await session.scalar(
        insert(recorded_trades)
        .values(trade_id=trade_id, seller_id=seller_id, buyer_id=buyer_id)
        .on_conflict_do_nothing()
        .returning(recorded_trades.c.trade_id)
    )
    if first_time is None:
        return False
    await session.execute(
        update(users).where(users.c.id.in_({seller_id, buyer_id})).values(trade_count=users.c.trade_count + 1)
    )
    return True


async def count_review(session: AsyncSession, article_id: int, seller_id: int) -> bool:
    """One review per article counts once for its seller, even if the event were emitted twice."""
    first_time = await session.scalar(
        insert(counted_reviews)
        .values(article_id=article_id, seller_id=seller_id)
        .on_conflict_do_nothing()
        .returning(counted_reviews.c.article_id)
    )
    if first_time is None:
        return False
    await session.execute(update(users).where(users.c.id == seller_id).values(review_count=users.c.review_count + 1))
    return True


async def anonymize_account(session: AsyncSession, user_id: int, media: MediaStore) -> None:
    """Last step of account deletion: scrub personal data, keep the row (ids are never reused)."""
    account = await accounts.get(session, user_id, for_update=True)
    if account is None:
        raise not_found()
    if account.is_deleted:
        return  # already done by an earlier delivery
    if account.status != AccountStatus.LOCKED:
        raise AccountError("conflict", "The account must be locked before it is anonymized.")
    await accounts.change(
        session,
        user_id,
        email=None,
        password_hash=None,
        nickname=DELETED_NICKNAME,
        address1="",
        address2="",
        profile_image_url=None,
        status=AccountStatus.DELETED,
        deletion_saga_id=None,
    )
    await revoke_user(session, user_id)
    await events.publish(session, user_id, UserDeleted(user_id=user_id))
    # A file cannot join the transaction; if the commit fails, the redelivered command finds it gone.
    media.delete(account.profile_image_url)


async def promote(session: AsyncSession, email: str) -> Account:
    """Operators are made by an operator on the command line; the next token carries the role."""
    found = await accounts.find_with_hash(session, email.strip().lower())
    if found is None or found[0].is_deleted:
        raise not_found()
    return await accounts.change(session, found[0].id, role=Role.OPERATOR)
