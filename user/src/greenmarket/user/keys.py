"""RS256 signing keys: kept in the database, generated on first start, rotated by an operator.

The newest key that is not retired signs. A retired key stays in the JWKS for one access-token
lifetime (plus a margin) so tokens it signed keep verifying everywhere during a rotation.
"""

from __future__ import annotations

import base64
import hashlib
import json
import time
from dataclasses import dataclass
from datetime import timedelta

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from sqlalchemy import func, insert, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from greenmarket.user.models import signing_keys

KEY_LOCK = 0x75736572_6B6579  # "userkey": one process creates or rotates keys at a time
PUBLICATION_MARGIN = timedelta(minutes=5)
PRUNE_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_key: rsa.RSAPrivateKey
    public_jwk: dict


def thumbprint(public_jwk: dict) -> str:
    """RFC 7638 JWK thumbprint: a kid derived from the key itself."""
    canonical = json.dumps({k: public_jwk[k] for k in ("e", "kty", "n")}, separators=(",", ":"), sort_keys=True)
    return base64.urlsafe_b64encode(hashlib.sha256(canonical.encode()).digest()).rstrip(b"=").decode()


def new_key_row(passphrase: str | None) -> dict:
    private_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = RSAAlgorithm.to_jwk(private_key.public_key(), as_dict=True)
    kid = thumbprint(public)
    encryption = (
        serialization.BestAvailableEncryption(passphrase.encode()) if passphrase else serialization.NoEncryption()
    )
    pem = private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    return {
        "kid": kid,
        "private_key_pem": pem.decode(),
        "public_jwk": {**public, "kid": kid, "alg": "RS256", "use": "sig"},
    }


class KeyStore:
    def __init__(
        self,
        sessionmaker: async_sessionmaker[AsyncSession],
        *,
        access_token_lifetime: timedelta,
        cache_seconds: float = 10.0,
        passphrase: str | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.publication_window = access_token_lifetime + PUBLICATION_MARGIN
        self.cache_seconds = cache_seconds
        self.passphrase = passphrase
        self._signing: SigningKey | None = None
        self._loaded_at = float("-inf")

    async def ensure_key(self) -> None:
        """Create the first key when there is none (safe when several processes start at once)."""
        async with self.sessionmaker() as session, session.begin():
            await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": KEY_LOCK})
            current = await session.scalar(select(func.count()).where(signing_keys.c.retired_at.is_(None)))
            if not current:
                await session.execute(insert(signing_keys).values(new_key_row(self.passphrase)))

    async def rotate(self) -> str:
        """A new key signs from now on; the previous one stays published. Returns the new kid."""
        async with self.sessionmaker() as session, session.begin():
            await session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": KEY_LOCK})
            await session.execute(signing_keys.delete().where(signing_keys.c.retired_at < func.now() - PRUNE_AFTER))
            await session.execute(
                update(signing_keys).where(signing_keys.c.retired_at.is_(None)).values(retired_at=func.now())
            )
            row = new_key_row(self.passphrase)
            await session.execute(insert(signing_keys).values(row))
        self._loaded_at = float("-inf")
        return row["kid"]

    async def signing_key(self) -> SigningKey:
        if self._signing is None or time.monotonic() - self._loaded_at >= self.cache_seconds:
            async with self.sessionmaker() as session:
                row = (
                    await session.execute(
                        select(signing_keys)
                        .where(signing_keys.c.retired_at.is_(None))
                        .order_by(signing_keys.c.created_at.desc())
                        .limit(1)
                    )
                ).one_or_none()
            if row is None:
                raise RuntimeError("no signing key: run the service's start-up (KeyStore.ensure_key) first")
            password = self.passphrase.encode() if self.passphrase else None
            private_key = serialization.load_pem_private_key(row.private_key_pem.encode(), password)
            self._signing = SigningKey(row.kid, private_key, row.public_jwk)
            self._loaded_at = time.monotonic()
        return self._signing

    async def jwks(self) -> dict:
        """The published key set: the signing key and keys retired less than a token lifetime ago."""
        async with self.sessionmaker() as session:
            rows = await session.scalars(
                select(signing_keys.c.public_jwk)
                .where(
                    or_(
                        signing_keys.c.retired_at.is_(None),
                        signing_keys.c.retired_at > func.now() - self.publication_window,
                    )
                )
                .order_by(signing_keys.c.created_at.desc())
            )
            return {"keys": list(rows)}
