"""Operator commands (`greenmarket users ...`) and the launcher module of `greenmarket up`."""

import asyncio
from pathlib import Path

import jwt
from typer.testing import CliRunner
from user_test_helpers import PASSWORD, join_and_login

from greenmarket.infra.cli import app as greenmarket_cli
from greenmarket.infra.stack.services import ServiceContext
from greenmarket.user import launch


async def greenmarket(settings, *args: str):
    env = {"DATABASE_URL": settings.database_url}
    return await asyncio.to_thread(CliRunner().invoke, greenmarket_cli, list(args), env=env)


async def test_promote_gives_the_operator_role_in_the_next_token(client, settings):
    await join_and_login(client, 1)
    assert jwt.decode(client.cookies["x_auth"], options={"verify_signature": False})["role"] == "user"
    result = await greenmarket(settings, "users", "promote", "User1@example.com")
    assert result.exit_code == 0, result.output
    assert (await client.post("/api/user/refresh")).json()["user"]["role"] == "operator"
    assert jwt.decode(client.cookies["x_auth"], options={"verify_signature": False})["role"] == "operator"

    unknown = await greenmarket(settings, "users", "promote", "nobody@example.com")
    assert unknown.exit_code == 1


async def test_rotate_key_command_publishes_a_second_key(client, settings):
    await join_and_login(client, 1)
    old_token = client.cookies["x_auth"]
    result = await greenmarket(settings, "users", "rotate-key")
    assert result.exit_code == 0, result.output
    kids = [k["kid"] for k in (await client.get("/api/user/.well-known/jwks.json")).json()["keys"]]
    assert len(kids) == 2 and kids[0] in result.output
    assert (await client.get("/api/user/auth", headers={"Authorization": f"Bearer {old_token}"})).json()["isAuth"]
    response = await client.post("/api/user/login", json={"email": "user1@example.com", "password": PASSWORD})
    assert jwt.get_unverified_header(response.cookies["x_auth"])["kid"] == kids[0]


def test_launcher_declares_api_relay_and_worker(tmp_path: Path):
    ctx = ServiceContext(
        repo_root=tmp_path,
        state_dir=tmp_path,
        kafka_bootstrap_servers="127.0.0.1:9092",
        redis_url="redis://127.0.0.1:56379/0",
        admin_dsn="postgresql://greenmarket:greenmarket@127.0.0.1:55432/postgres",
        media_root=tmp_path / "media",
        gateway_url="http://127.0.0.1:8080",
        jwks_url="http://127.0.0.1:8001/api/user/.well-known/jwks.json",
    )
    specs = {spec.name: spec for spec in launch.processes(ctx)}
    assert launch.SERVICE_NAME == "user" and set(specs) == {"user-api", "user-relay", "user-worker"}
    api = specs["user-api"]
    assert api.argv[1:] == [
        "-m",
        "uvicorn",
        "--factory",
        "greenmarket.user.app:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        "8001",
    ]
    assert api.health_url == "http://127.0.0.1:8001/readyz"
    assert specs["user-relay"].argv[-3:] == ["relay", "--probe-port", "9011"]
    assert specs["user-worker"].argv[-2:] == ["--probe-port", "9012"]
    for spec in specs.values():
        assert spec.env["DATABASE_URL"] == ctx.database_url("user") and spec.env["SERVICE_NAME"] == "user"
