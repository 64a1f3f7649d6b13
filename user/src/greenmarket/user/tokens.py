"""Access tokens (RS256 JWTs) and refresh-token secrets."""

from __future__ import annotations

import hashlib
import secrets
import time
import uuid
from datetime import timedelta

import jwt

from greenmarket.user.domain import Account
from greenmarket.user.keys import SigningKey


def issue_access_token(key: SigningKey, account: Account, lifetime: timedelta) -> str:
    now = int(time.time())
    claims = {
        "sub": str(account.id),
        "email": account.email,
        "nickname": account.nickname,
        "role": account.role,
        "iat": now,
        "exp": now + int(lifetime.total_seconds()),
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, key.private_key, algorithm="RS256", headers={"kid": key.kid})


def new_refresh_secret() -> str:
    return secrets.token_urlsafe(32)


def refresh_hash(secret: str) -> str:
    # 256 random bits need no slow hash: sha256 keeps a stolen table useless and lookups indexed.
    return hashlib.sha256(secret.encode()).hexdigest()
