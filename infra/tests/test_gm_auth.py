"""Token verification: only RS256 tokens signed by a published key, unexpired and untampered."""

import base64
import json
import time

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import Depends, FastAPI
from httpx import ASGITransport, AsyncClient

from greenmarket.infra.auth import InvalidToken, JwksVerifier, Principal
from greenmarket.infra.auth.dependencies import current_user, operator_user, optional_user
from greenmarket.infra.testing.tokens import KID, jwks, make_token, private_key, test_verifier
from greenmarket.infra.web.problems import install_problem_handlers


async def test_a_valid_token_gives_its_principal():
    principal = await test_verifier().verify(make_token(12, role="operator", nickname="초록이"))
    assert (principal.user_id, principal.role, principal.nickname) == (12, "operator", "초록이")
    assert principal.is_operator


def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _tampered(token: str) -> str:
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    claims["sub"] = "1"
    return f"{header}.{_b64(claims)}.{signature}"


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(f"{_b64({'alg': 'none', 'kid': KID})}.{_b64({'sub': '1', 'exp': 9999999999})}.", id="alg-none"),
        pytest.param(make_token(5, key=rsa.generate_private_key(public_exponent=65537, key_size=2048)), id="wrong-key"),
        pytest.param(make_token(5, expires_in=-60), id="expired"),
        pytest.param(_tampered(make_token(5)), id="tampered"),
        pytest.param(make_token(5, kid="unknown-kid"), id="unknown-kid"),
        pytest.param("not.a.token", id="garbage"),
    ],
)
async def test_bad_tokens_are_refused(token):
    with pytest.raises(InvalidToken):
        await test_verifier().verify(token)


async def test_hmac_signed_with_the_public_key_is_refused():
    # The classic algorithm-confusion attack: HS256 keyed with the RSA public key's PEM.
    public_jwk = jwks()["keys"][0]
    token = jwt.encode(
        {"sub": "1", "exp": int(time.time()) + 60, "iat": 0, "jti": "x"},
        "a-secret-long-enough-for-hs256-signing!",
        algorithm="HS256",
        headers={"kid": public_jwk["kid"]},
    )
    with pytest.raises(InvalidToken, match="algorithm"):
        await test_verifier().verify(token)


async def test_an_unknown_kid_refreshes_the_key_set_once_per_interval():
    calls = []
    rotated = rsa.generate_private_key(public_exponent=65537, key_size=2048)

    async def fetch():
        calls.append(time.monotonic())
        document = jwks()
        if len(calls) > 1:  # the user service rotated keys after our first fetch
            from jwt.algorithms import RSAAlgorithm

            document["keys"].append(
                {**RSAAlgorithm.to_jwk(rotated.public_key(), as_dict=True), "kid": "k2", "alg": "RS256"}
            )
        return document

    verifier = JwksVerifier(fetch, min_refresh_interval=60)
    await verifier.verify(make_token(1))
    assert (await verifier.verify(make_token(2, key=rotated, kid="k2"))).user_id == 2
    with pytest.raises(InvalidToken):
        await verifier.verify(make_token(3, kid="k3"))  # a second unknown kid does not refetch at once
    assert len(calls) == 2


def _app() -> FastAPI:
    app = FastAPI()
    install_problem_handlers(app)
    app.state.jwks_verifier = test_verifier()

    @app.get("/me")
    async def me(user: Principal = Depends(current_user)):
        return {"id": user.user_id}

    @app.get("/maybe")
    async def maybe(user: Principal | None = Depends(optional_user)):
        return {"id": user.user_id if user else None}

    @app.get("/ops")
    async def ops(user: Principal = Depends(operator_user)):
        return {"id": user.user_id}

    return app


async def test_dependencies_read_cookie_or_bearer_and_answer_problems():
    async with AsyncClient(transport=ASGITransport(_app()), base_url="http://t") as client:
        assert (await client.get("/me", headers={"Authorization": f"Bearer {make_token(4)}"})).json() == {"id": 4}
        client.cookies.set("x_auth", make_token(8))
        assert (await client.get("/me")).json() == {"id": 8}
        client.cookies.clear()
        missing = await client.get("/me")
        assert missing.status_code == 401
        assert missing.headers["content-type"] == "application/problem+json"
        assert missing.json()["status"] == 401
        assert (await client.get("/maybe")).json() == {"id": None}
        expired = await client.get("/maybe", headers={"Authorization": f"Bearer {make_token(1, expires_in=-60)}"})
        assert expired.status_code == 401
        assert (await client.get("/ops", headers={"Authorization": f"Bearer {make_token(4)}"})).status_code == 403
        operator = await client.get("/ops", headers={"Authorization": f"Bearer {make_token(4, role='operator')}"})
        assert operator.status_code == 200


def test_private_key_is_stable_within_a_run():
    assert private_key() is private_key()


async def test_a_key_source_failure_uses_cached_keys_and_is_503_without_them():
    from greenmarket.infra.auth import KeysUnavailable

    failing = {"now": False}

    async def fetch():
        if failing["now"]:
            raise ConnectionError("database away")
        return jwks()

    verifier = JwksVerifier(fetch, cache_seconds=0)
    await verifier.verify(make_token(1))
    failing["now"] = True
    assert (await verifier.verify(make_token(2))).user_id == 2  # cached keys still verify
    with pytest.raises(KeysUnavailable):
        await JwksVerifier(fetch).verify(make_token(3))
