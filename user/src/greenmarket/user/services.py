"""Use cases of the HTTP API: each opens its own transaction and writes its events to the outbox."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from greenmarket.infra.images import MediaStore, decode_and_reencode
from greenmarket.schemas.events.user import AccountDeletionRequested
from greenmarket.user import accounts, events
from greenmarket.user.domain import (
    Account,
    AccountError,
    AccountStatus,
    RefreshVerdict,
    ThrottlePolicy,
    check_deletion_can_start,
    not_found,
    require_self,
)
from greenmarket.user.keys import KeyStore
from greenmarket.user.passwords import Passwords
from greenmarket.user.refresh import RefreshTokens, revoke_presented, revoke_user
from greenmarket.user.settings import UserSettings
from greenmarket.user.throttle import ADDRESS, EMAIL, LoginThrottle
from greenmarket.user.tokens import issue_access_token

BAD_CREDENTIALS = "The email or the password is incorrect."
AVATAR_FOLDER = "avatars"


class Throttled(AccountError):
    def __init__(self, retry_after: int) -> None:
        super().__init__("throttled", "Too many failed logins. Try again later.")
        self.retry_after = retry_after


class RefreshRace(AccountError):
    """The token was rotated an instant ago by another tab: refuse, but leave the new cookies alone."""

    def __init__(self) -> None:
        super().__init__("unauthorized", "This refresh token was just replaced; use the new one.")


@dataclass(frozen=True)
class SignedIn:
    account: Account
    access_token: str
    refresh_token: str


def normalize_email(email: str) -> str:
    return email.strip().lower()


class UserService:
    def __init__(
        self,
        settings: UserSettings,
        sessionmaker: async_sessionmaker[AsyncSession],
        keys: KeyStore,
        media: MediaStore,
    ) -> None:
        self.settings = settings
        self.sessionmaker = sessionmaker
        self.keys = keys
        self.media = media
        self.passwords = Passwords(
            memory_kib=settings.argon2_memory_kib,
            time_cost=settings.argon2_time_cost,
            parallelism=settings.argon2_parallelism,
        )
        self.refresh_tokens = RefreshTokens(
            lifetime=timedelta(days=settings.refresh_token_days),
            reuse_grace=timedelta(seconds=settings.refresh_reuse_grace_seconds),
        )
        window = timedelta(seconds=settings.login_window_seconds)
        lockout = timedelta(seconds=settings.login_lockout_seconds)
        self.throttle = LoginThrottle(
            {
                EMAIL: ThrottlePolicy(window, settings.login_max_failures_per_email, lockout),
                ADDRESS: ThrottlePolicy(window, settings.login_max_failures_per_address, lockout),
            }
        )

    @property
    def access_token_lifetime(self) -> timedelta:
        return timedelta(minutes=self.settings.access_token_minutes)

    # accounts ------------------------------------------------------------------------------------
    async def join(self, *, email: str, password: str, nickname: str, address1: str, address2: str) -> Account:
        email = normalize_email(email)
        password_hash = await self.passwords.hash(password)
        try:
            async with self.sessionmaker() as session, session.begin():
                if await accounts.email_exists(session, email):
                    raise AccountError("conflict", "This email is already registered.")
                account = await accounts.create(
                    session,
                    email=email,
                    password_hash=password_hash,
                    nickname=nickname,
                    address1=address1,
                    address2=address2,
                )
                await events.publish(session, account.id, events.registered(account))
        except IntegrityError:  # two sign-ups with one email at the same moment
            raise AccountError("conflict", "This email is already registered.") from None
        return account

    async def email_exists(self, email: str) -> bool:
        async with self.sessionmaker() as session:
            return await accounts.email_exists(session, normalize_email(email))

    async def account(self, user_id: int) -> Account:
        async with self.sessionmaker() as session:
            account = await accounts.get(session, user_id)
        if account is None or account.is_deleted:
            raise not_found()
        return account

    async def profiles(self, ids: list[int]) -> list[Account]:
        async with self.sessionmaker() as session:
            found = {account.id: account for account in await accounts.get_many(session, ids)}
        return [found[i] for i in ids if i in found]

    async def update_profile(
        self, caller_id: int, user_id: int, changes: dict[str, str], image: bytes | None
    ) -> Account:
        require_self(caller_id, user_id)
        new_url = None
        if image is not None:
            # Decode before touching the database: a bad file costs no transaction.
            processed = await asyncio.to_thread(decode_and_reencode, image, self.settings.avatar_max_side)
            new_url = self.media.save(AVATAR_FOLDER, processed)
            changes = {**changes, "profile_image_url": new_url}
        try:
            async with self.sessionmaker() as session, session.begin():
                current = await accounts.get(session, user_id, for_update=True)
                if current is None or current.is_deleted:
                    raise not_found()
                if not changes:
                    return current
                account = await accounts.change(session, user_id, **changes)
                await events.publish(session, user_id, events.profile_updated(account))
        except BaseException:
            self.media.delete(new_url)  # the change did not commit: its new file must not linger
            raise
        if new_url is not None:
            self.media.delete(current.profile_image_url)  # replaced: the old file goes only after the commit
        return account

    async def request_deletion(self, caller_id: int, user_id: int) -> str:
        require_self(caller_id, user_id)
        saga_id = str(uuid.uuid4())
        async with self.sessionmaker() as session, session.begin():
            account = await accounts.get(session, user_id, for_update=True)
            if account is None:
                raise not_found()
            check_deletion_can_start(account)
            await accounts.change(session, user_id, status=AccountStatus.DELETING, deletion_saga_id=saga_id)
            await events.publish(session, user_id, AccountDeletionRequested(user_id=user_id, saga_id=saga_id))
        return saga_id

    # sessions ------------------------------------------------------------------------------------
    async def login(self, email: str, password: str, client_address: str) -> SignedIn:
        email = normalize_email(email)
        subjects = {EMAIL: email, ADDRESS: client_address}
        async with self.sessionmaker() as session:
            if (wait := await self.throttle.retry_after(session, subjects)) is not None:
                raise Throttled(wait)
            found = await accounts.find_with_hash(session, email)
        account, stored_hash = found if found else (None, None)
        # Unknown email and wrong password cost one argon2 verification each and answer alike.
        if not await self.passwords.verify(stored_hash, password):
            async with self.sessionmaker() as session, session.begin():
                await self.throttle.record_failure(session, subjects)
            raise AccountError("unauthorized", BAD_CREDENTIALS)
        if not account.can_sign_in:
            raise AccountError("unauthorized", "This account is locked while it is being deleted.")
        async with self.sessionmaker() as session, session.begin():
            await self.throttle.forget(session, EMAIL, email)
            if self.passwords.needs_rehash(stored_hash):
                await accounts.change(session, account.id, password_hash=await self.passwords.hash(password))
            refresh_token = await self.refresh_tokens.issue(session, account.id)
        return SignedIn(account, await self._access_token(account), refresh_token)

    async def refresh(self, secret: str | None) -> SignedIn:
        if not secret:
            raise AccountError("unauthorized", "No refresh token.")
        async with self.sessionmaker() as session, session.begin():
            rotation = await self.refresh_tokens.rotate(session, secret)
            account = await accounts.get(session, rotation.user_id) if rotation else None
            refused = rotation is None or rotation.verdict is not RefreshVerdict.ROTATE
            if not refused and (account is None or not account.can_sign_in):
                await revoke_user(session, rotation.user_id)
                refused = True
        # Outside the transaction: a reuse must stay revoked even though we answer 401.
        if rotation is not None and rotation.verdict is RefreshVerdict.RACE:
            raise RefreshRace()
        if refused:
            raise AccountError("unauthorized", "The refresh token is invalid, expired or was already used.")
        return SignedIn(account, await self._access_token(account), rotation.new_secret)

    async def logout(self, secret: str | None) -> None:
        if not secret:
            return
        async with self.sessionmaker() as session, session.begin():
            await revoke_presented(session, secret)

    async def _access_token(self, account: Account) -> str:
        return issue_access_token(await self.keys.signing_key(), account, self.access_token_lifetime)
