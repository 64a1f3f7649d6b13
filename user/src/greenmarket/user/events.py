"""User events for the outbox. Public profile fields only: never an email or a password hash."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from greenmarket.infra.messaging.outbox import Outbox
from greenmarket.schemas import Message
from greenmarket.schemas.events.user import UserProfileUpdated, UserRegistered
from greenmarket.user.domain import Account

PRODUCER = "user"
_outbox = Outbox()


def profile_fields(account: Account) -> dict:
    return {
        "user_id": account.id,
        "nickname": account.nickname,
        "address1": account.address1,
        "address2": account.address2,
        "profile_image_url": account.profile_image_url,
    }


def registered(account: Account) -> UserRegistered:
    return UserRegistered(**profile_fields(account))


def profile_updated(account: Account) -> UserProfileUpdated:
    return UserProfileUpdated(**profile_fields(account))


async def publish(session: AsyncSession, user_id: int, event: Message) -> None:
    await _outbox.add(session, event.envelope(aggregate_id=user_id, producer=PRODUCER))
