"""Test tokens: an RS256 key pair and a JwksVerifier that trusts it, for services under test.

Services other than `user` verify tokens against the user service's JWKS. Their tests inject
`test_verifier()` instead, and sign tokens with the same private key.
"""

from __future__ import annotations

import time
import uuid
from functools import cache

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from greenmarket.infra.auth import JwksVerifier

KID = "test-key-1"


@cache
def private_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwks() -> dict:
    public = RSAAlgorithm.to_jwk(private_key().public_key(), as_dict=True)
    return {"keys": [{**public, "kid": KID, "alg": "RS256", "use": "sig"}]}


def test_verifier() -> JwksVerifier:
    async def fetch() -> dict:
        return jwks()

    return JwksVerifier(fetch)


test_verifier.__test__ = False  # not a pytest test despite the name


def make_token(
    user_id: int,
    *,
    role: str = "user",
    nickname: str | None = None,
    email: str | None = None,
    expires_in: int = 900,
    key=None,
    kid: str = KID,
) -> str:
    now = int(time.time())
    claims = {
        "sub": str(user_id),
        "email": email or f"user{user_id}@example.com",
        "nickname": nickname or f"사용자{user_id}",
        "role": role,
        "iat": now,
        "exp": now + expires_in,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, key or private_key(), algorithm="RS256", headers={"kid": kid})


def bearer(user_id: int, **kwargs) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_token(user_id, **kwargs)}"}
