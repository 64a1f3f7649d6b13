"""Verify access tokens with public keys fetched from a JWKS document (cached, refreshed on a new kid)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
import jwt
from jwt import PyJWK

ACCESS_TOKEN_COOKIE = "x_auth"
ALGORITHM = "RS256"


class InvalidToken(Exception):
    """The token is missing, malformed, expired, or signed by a key we do not trust."""


class KeysUnavailable(Exception):
    """No signing keys could be loaded yet: the caller cannot be judged (503, not 401)."""


@dataclass(frozen=True)
class Principal:
    user_id: int
    email: str
    nickname: str
    role: str
    token_id: str

    @property
    def is_operator(self) -> bool:
        return self.role == "operator"


class JwksVerifier:
    def __init__(
        self,
        fetch_jwks: Callable[[], Awaitable[dict]],
        *,
        cache_seconds: float = 300.0,
        min_refresh_interval: float = 5.0,
        leeway_seconds: float = 5.0,
    ) -> None:
        self._fetch_jwks = fetch_jwks
        self._cache_seconds = cache_seconds
        self._min_refresh_interval = min_refresh_interval
        self._leeway = leeway_seconds
        self._keys: dict[str, PyJWK] = {}
        self._fetched_at = 0.0
        self._forced_at = float("-inf")
        self._lock = asyncio.Lock()

    @classmethod
    def from_url(cls, jwks_url: str, **kwargs) -> JwksVerifier:
        async def fetch() -> dict:
            async with httpx.AsyncClient(timeout=3.0) as client:
                response = await client.get(jwks_url)
                response.raise_for_status()
                return response.json()

        return cls(fetch, **kwargs)

    async def _refresh(self, *, force: bool) -> None:
        async with self._lock:
            now = time.monotonic()
            # An unknown kid forces a refresh (key rotation), but never more than once per interval,
            # so garbage tokens cannot make us hammer the user service.
            if force:
                if now - self._forced_at < self._min_refresh_interval:
                    return
                self._forced_at = now
            elif self._keys and now - self._fetched_at < self._cache_seconds:
                return
            document = await self._fetch_jwks()
            keys = {}
            for jwk in document.get("keys", []):
                if jwk.get("kty") == "RSA" and jwk.get("kid"):
                    keys[jwk["kid"]] = PyJWK(jwk, algorithm=ALGORITHM)
            self._keys = keys
            self._fetched_at = time.monotonic()

    async def _key_for(self, kid: str) -> PyJWK:
        # The key source may be HTTP (other services) or the user service's own database: whatever
        # fails, keep verifying with the keys already cached.
        try:
            await self._refresh(force=False)
        except Exception as exc:
            if not self._keys:
                raise KeysUnavailable(f"signing keys are not available: {exc!r}") from exc
        if kid not in self._keys:
            try:
                await self._refresh(force=True)
            except Exception:  # noqa: BLE001 - an unknown kid stays unknown
                pass
        try:
            return self._keys[kid]
        except KeyError:
            raise InvalidToken("unknown signing key") from None

    async def verify(self, token: str) -> Principal:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise InvalidToken("malformed token") from exc
        # Only RS256 is accepted: this rejects alg=none and HMAC-with-public-key confusion.
        if header.get("alg") != ALGORITHM or not isinstance(header.get("kid"), str):
            raise InvalidToken("unsupported token algorithm")
        key = await self._key_for(header["kid"])
        try:
            claims = jwt.decode(
                token,
                key.key,
                algorithms=[ALGORITHM],
                leeway=self._leeway,
                options={"require": ["exp", "iat", "sub", "jti"]},
            )
            return Principal(
                user_id=int(claims["sub"]),
                email=str(claims.get("email", "")),
                nickname=str(claims.get("nickname", "")),
                role=str(claims.get("role", "user")),
                token_id=str(claims["jti"]),
            )
        except (jwt.PyJWTError, ValueError, KeyError) as exc:
            raise InvalidToken(str(exc)) from exc
