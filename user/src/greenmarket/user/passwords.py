"""argon2id password hashing that answers in the same time whether or not the account exists."""

from __future__ import annotations

import asyncio
import secrets

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError


class Passwords:
    def __init__(self, *, memory_kib: int, time_cost: int, parallelism: int) -> None:
        self._hasher = PasswordHasher(
            time_cost=time_cost, memory_cost=memory_kib, parallelism=parallelism, hash_len=32, salt_len=16, type=Type.ID
        )
        # Verified against when the email is unknown, so both answers cost one argon2 run.
        self._dummy_hash = self._hasher.hash(secrets.token_urlsafe(16))

    # argon2 is CPU-bound for tens of milliseconds: run it off the event loop.
    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self._hasher.hash, password)

    async def verify(self, stored_hash: str | None, password: str) -> bool:
        return await asyncio.to_thread(self._verify, stored_hash or self._dummy_hash, password, stored_hash is not None)

    def _verify(self, stored_hash: str, password: str, real: bool) -> bool:
        try:
            self._hasher.verify(stored_hash, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False
        return real

    def needs_rehash(self, stored_hash: str) -> bool:
        """True when the hash was made with other parameters: upgrade it at the next login."""
        return self._hasher.check_needs_rehash(stored_hash)
