"""FastAPI dependencies: who is calling. The app keeps its verifier in `app.state.jwks_verifier`."""

from __future__ import annotations

from fastapi import Request

from greenmarket.infra.auth.verifier import ACCESS_TOKEN_COOKIE, InvalidToken, JwksVerifier, KeysUnavailable, Principal
from greenmarket.infra.web.problems import Problem


def token_from_request(request: Request) -> str | None:
    authorization = request.headers.get("authorization", "")
    scheme, _, credentials = authorization.partition(" ")
    if scheme.lower() == "bearer" and credentials:
        return credentials.strip()
    return request.cookies.get(ACCESS_TOKEN_COOKIE) or None


def _unauthorized(detail: str) -> Problem:
    return Problem(401, detail, headers={"WWW-Authenticate": "Bearer"})


async def optional_user(request: Request) -> Principal | None:
    """The caller if a token was sent; a token that is sent but invalid is still a 401."""
    token = token_from_request(request)
    if token is None:
        return None
    verifier: JwksVerifier = request.app.state.jwks_verifier
    try:
        return await verifier.verify(token)
    except InvalidToken as exc:
        raise _unauthorized(f"Invalid or expired token: {exc}") from None
    except KeysUnavailable:
        raise Problem(503, "Signing keys are not available; try again shortly.", headers={"Retry-After": "2"}) from None


async def current_user(request: Request) -> Principal:
    principal = await optional_user(request)
    if principal is None:
        raise _unauthorized("Authentication required.")
    return principal


async def operator_user(request: Request) -> Principal:
    principal = await current_user(request)
    if not principal.is_operator:
        raise Problem(403, "Operators only.")
    return principal
