"""Login, tokens, refresh rotation, logout, throttling and signing-key rotation."""

import json
import time
import uuid

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from user_test_helpers import PASSWORD, join, join_and_login

from greenmarket.user.app import create_app

LOGIN = "/api/user/login"


def cookie_header(response, name: str) -> str:
    headers = [h for h in response.headers.get_list("set-cookie") if h.startswith(f"{name}=")]
    assert len(headers) == 1, response.headers.get_list("set-cookie")
    return headers[0]


async def test_login_sets_an_rs256_access_cookie_and_a_refresh_cookie(client, app):
    user = await join(client, 1)
    response = await client.post(LOGIN, json={"email": "USER1@example.com", "password": PASSWORD})
    assert response.status_code == 200
    assert response.json()["user"]["id"] == user["id"]
    assert PASSWORD not in response.text and "argon2" not in response.text

    access = cookie_header(response, "x_auth").lower()
    assert "httponly" in access and "samesite=lax" in access and "path=/;" in access + ";"
    assert "max-age=900" in access and "secure" not in access
    refresh = cookie_header(response, "x_refresh").lower()
    assert "httponly" in refresh and "samesite=strict" in refresh and "path=/api/user" in refresh

    token = client.cookies["x_auth"]
    header = jwt.get_unverified_header(token)
    assert header["alg"] == "RS256" and header["kid"]
    claims = jwt.decode(token, options={"verify_signature": False})
    assert set(claims) == {"sub", "email", "nickname", "role", "exp", "iat", "jti"}
    assert claims["sub"] == str(user["id"]) and claims["role"] == "user" and claims["nickname"] == "초록이1"
    assert claims["exp"] - claims["iat"] == 900

    auth = await client.get("/api/user/auth")
    assert auth.json()["isAuth"] is True and auth.json()["user"]["id"] == user["id"]


async def test_cookies_are_secure_when_configured(settings, new_client):
    secure_app = create_app(settings.model_copy(update={"cookie_secure": True}))
    async with secure_app.router.lifespan_context(secure_app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=secure_app), base_url="https://testserver") as c:
            await join(c, 1)
            response = await c.post(LOGIN, json={"email": "user1@example.com", "password": PASSWORD})
            assert "secure" in cookie_header(response, "x_auth").lower()
            assert "secure" in cookie_header(response, "x_refresh").lower()


async def test_unknown_email_and_wrong_password_get_the_same_answer(client, app):
    await join(client, 1)
    service = app.state.user_service
    verified = []
    original = service.passwords._verify
    service.passwords._verify = lambda *args: verified.append(args[2]) or original(*args)
    unknown = await client.post(LOGIN, json={"email": "ghost@example.com", "password": PASSWORD})
    wrong = await client.post(LOGIN, json={"email": "user1@example.com", "password": "wrong password"})
    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()
    assert unknown.headers["www-authenticate"] == "Bearer"
    # Both paths ran one argon2 verification (the unknown email against a dummy hash).
    assert verified == [False, True]
    assert "set-cookie" not in unknown.headers and "set-cookie" not in wrong.headers


async def test_repeated_failures_for_one_email_are_throttled(client):
    await join(client, 1)
    bad = {"email": "user1@example.com", "password": "wrong password"}
    for _ in range(3):  # login_max_failures_per_email = 3 in the test settings
        assert (await client.post(LOGIN, json=bad)).status_code == 401
    blocked = await client.post(LOGIN, json={"email": "user1@example.com", "password": PASSWORD})
    assert blocked.status_code == 429
    assert 0 < int(blocked.headers["retry-after"]) <= 120
    # Another account from the same address is not blocked by that email's counter.
    await join(client, 2)
    assert (await client.post(LOGIN, json={"email": "user2@example.com", "password": PASSWORD})).status_code == 200


async def test_repeated_failures_from_one_address_are_throttled(client):
    await join(client, 9)
    for n in range(5):  # login_max_failures_per_address = 5, each with another email
        response = await client.post(LOGIN, json={"email": f"spray{n}@example.com", "password": "guess guess"})
        assert response.status_code == 401
    blocked = await client.post(LOGIN, json={"email": "user9@example.com", "password": PASSWORD})
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0


async def test_a_successful_login_resets_the_email_counter(client):
    await join(client, 1)
    bad = {"email": "user1@example.com", "password": "wrong password"}
    for _ in range(2):
        await client.post(LOGIN, json=bad)
    assert (await client.post(LOGIN, json={"email": "user1@example.com", "password": PASSWORD})).status_code == 200
    for _ in range(2):
        assert (await client.post(LOGIN, json=bad)).status_code == 401


async def test_refresh_rotates_both_cookies(client):
    user = await join_and_login(client, 1)
    old_access, old_refresh = client.cookies["x_auth"], client.cookies["x_refresh"]
    response = await client.post("/api/user/refresh")
    assert response.status_code == 200 and response.json()["user"]["id"] == user["id"]
    assert client.cookies["x_refresh"] != old_refresh
    assert client.cookies["x_auth"] != old_access
    assert (await client.post("/api/user/refresh")).status_code == 200


async def test_reusing_an_old_refresh_token_revokes_its_family(client, new_client):
    await join_and_login(client, 1)
    stolen = client.cookies["x_refresh"]
    assert (await client.post("/api/user/refresh")).status_code == 200  # the owner rotates
    async with new_client() as thief:
        reused = await thief.post("/api/user/refresh", headers={"Cookie": f"x_refresh={stolen}"})
        assert reused.status_code == 401
    # The owner's current token belonged to the same family: it is revoked as well.
    assert (await client.post("/api/user/refresh")).status_code == 401


async def test_a_refresh_race_inside_the_grace_keeps_the_family(settings, client):
    raced_app = create_app(settings.model_copy(update={"refresh_reuse_grace_seconds": 30}))
    async with raced_app.router.lifespan_context(raced_app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=raced_app), base_url="http://testserver") as tab:
            await join_and_login(tab, 1)
            old = tab.cookies["x_refresh"]
            assert (await tab.post("/api/user/refresh")).status_code == 200
            late = await tab.post("/api/user/refresh", headers={"Cookie": f"x_refresh={old}"})
            assert late.status_code == 401 and "set-cookie" not in late.headers
            assert (await tab.post("/api/user/refresh")).status_code == 200  # the family lives on


async def test_refresh_without_or_with_an_unknown_token_is_401(client):
    assert (await client.post("/api/user/refresh")).status_code == 401
    response = await client.post("/api/user/refresh", headers={"Cookie": "x_refresh=made-up"})
    assert response.status_code == 401 and response.headers["content-type"] == "application/problem+json"


async def test_logout_clears_the_cookies_and_revokes_the_refresh_token(client):
    await join_and_login(client, 1)
    refresh_token = client.cookies["x_refresh"]
    response = await client.post("/api/user/logout")
    assert response.status_code == 204
    assert 'x_auth=""' in cookie_header(response, "x_auth") or "max-age=0" in cookie_header(response, "x_auth").lower()
    assert "x_auth" not in client.cookies and "x_refresh" not in client.cookies
    assert (await client.get("/api/user/auth")).json() == {"isAuth": False, "user": None}
    response = await client.post("/api/user/refresh", headers={"Cookie": f"x_refresh={refresh_token}"})
    assert response.status_code == 401
    assert (await client.post("/api/user/logout")).status_code == 204  # idempotent, also without cookies


async def test_auth_without_a_token_is_not_an_error(client):
    response = await client.get("/api/user/auth")
    assert response.status_code == 200 and response.json()["isAuth"] is False


def _claims(user_id: int, **overrides) -> dict:
    now = int(time.time())
    return {
        "sub": str(user_id),
        "email": "x@example.com",
        "nickname": "x",
        "role": "operator",
        "iat": now,
        "exp": now + 600,
        "jti": uuid.uuid4().hex,
        **overrides,
    }


async def test_bad_tokens_are_401_never_500(client, app):
    user = await join_and_login(client, 1)
    good = client.cookies["x_auth"]
    kid = jwt.get_unverified_header(good)["kid"]
    client.cookies.clear()
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    signing = await app.state.user_service.keys.signing_key()
    header, payload, signature = good.split(".")
    # The real signature over a payload that now claims the operator role.
    forged_payload = jwt.utils.base64url_encode(json.dumps(_claims(user["id"])).encode()).decode()
    bad_tokens = {
        "alg none": jwt.encode(_claims(user["id"]), None, algorithm="none", headers={"kid": kid}),
        "wrong key": jwt.encode(_claims(user["id"]), other_key, algorithm="RS256", headers={"kid": kid}),
        "expired": jwt.encode(
            _claims(user["id"], exp=int(time.time()) - 60), signing.private_key, algorithm="RS256", headers={"kid": kid}
        ),
        "tampered": f"{header}.{forged_payload}.{signature}",
        "hs256": jwt.encode(_claims(user["id"]), "s" * 32, algorithm="HS256", headers={"kid": kid}),
        "garbage": "not.a.token",
    }
    for name, token in bad_tokens.items():
        for request in (
            client.get("/api/user/auth", headers={"Authorization": f"Bearer {token}"}),
            client.get("/api/user/auth", headers={"Cookie": f"x_auth={token}"}),
            client.patch(
                f"/api/user/{user['id']}", data={"nickname": "해커"}, headers={"Authorization": f"Bearer {token}"}
            ),
        ):
            response = await request
            assert response.status_code == 401, (name, response.text)
            assert response.headers["content-type"] == "application/problem+json"
    ok = await client.get("/api/user/auth", headers={"Authorization": f"Bearer {good}"})
    assert ok.status_code == 200 and ok.json()["isAuth"] is True


async def test_key_rotation_keeps_old_tokens_valid_and_publishes_both_keys(client, app):
    await join_and_login(client, 1)
    old_token = client.cookies["x_auth"]
    old_kid = jwt.get_unverified_header(old_token)["kid"]
    jwks = (await client.get("/api/user/.well-known/jwks.json")).json()
    assert [k["kid"] for k in jwks["keys"]] == [old_kid]
    assert set(jwks["keys"][0]) >= {"kty", "n", "e", "kid", "alg", "use"} and "d" not in jwks["keys"][0]

    new_kid = await app.state.user_service.keys.rotate()
    jwks = (await client.get("/api/user/.well-known/jwks.json")).json()
    assert [k["kid"] for k in jwks["keys"]] == [new_kid, old_kid]

    assert (await client.post("/api/user/refresh")).status_code == 200
    new_token = client.cookies["x_auth"]
    assert jwt.get_unverified_header(new_token)["kid"] == new_kid
    for token in (old_token, new_token):
        response = await client.get("/api/user/auth", headers={"Authorization": f"Bearer {token}"})
        assert response.json()["isAuth"] is True


async def test_other_services_verify_with_the_published_jwks(client):
    from greenmarket.infra.auth import JwksVerifier

    user = await join_and_login(client, 1)

    async def fetch() -> dict:
        return (await client.get("/api/user/.well-known/jwks.json")).json()

    principal = await JwksVerifier(fetch).verify(client.cookies["x_auth"])
    assert principal.user_id == user["id"] and principal.role == "user"
