"""The local stack as tests see it: answering servers, isolated databases, declared topics."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time
import uuid

import asyncpg
import pytest
from aiokafka.admin import AIOKafkaAdminClient

from greenmarket.infra.messaging.topics import TOPICS
from greenmarket.infra.stack.kafka import kafka_answers
from greenmarket.infra.stack.postgres import drop_database_async, pg_answers
from greenmarket.infra.stack.redis import redis_answers
from greenmarket.infra.stack.services import ServiceContext, ensure_database_async
from greenmarket.infra.testing.fixtures import fresh_database, fresh_topic_prefix


def _plain(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://", 1)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "greenmarket.infra.cli", *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_the_stack_fixture_gives_answering_kafka_postgres_and_redis(stack):
    assert stack.bootstrap_servers.startswith("127.0.0.1:")
    assert kafka_answers(stack.bootstrap_servers)
    assert pg_answers(stack.admin_dsn)
    assert redis_answers(stack.redis_url)
    assert stack.state_dir.is_dir()


async def test_database_url_is_a_fresh_empty_database(database_url):
    assert database_url.startswith("postgresql+asyncpg://")
    conn = await asyncpg.connect(_plain(database_url))
    try:
        tables = await conn.fetchval("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        await conn.execute("CREATE TABLE probe (id int)")
    finally:
        await conn.close()
    assert tables == 0


async def test_fresh_databases_are_isolated_and_dropped_even_with_open_connections(stack):
    with fresh_database(stack.admin_dsn) as first, fresh_database(stack.admin_dsn) as second:
        assert first != second
        conn_first = await asyncpg.connect(_plain(first))
        conn_second = await asyncpg.connect(_plain(second))
        await conn_first.execute("CREATE TABLE only_here (id int)")
        assert await conn_second.fetchval("SELECT to_regclass('public.only_here')") is None
        await conn_second.close()
        name = first.rsplit("/", 1)[1]
        # conn_first stays open: the drop terminates it
    admin = await asyncpg.connect(stack.admin_dsn)
    try:
        assert await admin.fetchval("SELECT count(*) FROM pg_database WHERE datname = $1", name) == 0
    finally:
        await admin.close()
        conn_first.terminate()


async def test_ensure_database_creates_role_and_database_once(stack):
    name = f"greenmarket_t{uuid.uuid4().hex[:8]}"
    try:
        url = await ensure_database_async(stack.admin_dsn, name)
        assert url == await ensure_database_async(stack.admin_dsn, name)  # harmless the second time
        conn = await asyncpg.connect(_plain(url))
        try:
            assert await conn.fetchval("SELECT current_user") == name
            await conn.execute("CREATE TABLE owned (id int)")  # the role owns its database
        finally:
            await conn.close()
    finally:
        await drop_database_async(stack.admin_dsn, name)
        admin = await asyncpg.connect(stack.admin_dsn)
        try:
            await admin.execute(f'DROP ROLE IF EXISTS "{name}"')
        finally:
            await admin.close()


def test_service_context_gives_each_service_its_database_and_the_shared_addresses(stack, tmp_path):
    ctx = ServiceContext(
        repo_root=tmp_path,
        state_dir=stack.state_dir,
        kafka_bootstrap_servers=stack.bootstrap_servers,
        redis_url=stack.redis_url,
        admin_dsn="postgresql://admin:secret@127.0.0.1:55432/postgres",
        media_root=tmp_path / "media",
        gateway_url="http://127.0.0.1:8080",
        jwks_url="http://127.0.0.1:8001/api/user/.well-known/jwks.json",
    )
    assert ctx.database_url("user") == (
        "postgresql+asyncpg://greenmarket_user:greenmarket_user@127.0.0.1:55432/greenmarket_user"
    )
    env = ctx.base_env("user")
    assert env == {
        "SERVICE_NAME": "user",
        "DATABASE_URL": ctx.database_url("user"),
        "KAFKA_BOOTSTRAP_SERVERS": stack.bootstrap_servers,
        "REDIS_URL": stack.redis_url,
        "JWKS_URL": "http://127.0.0.1:8001/api/user/.well-known/jwks.json",
        "MEDIA_ROOT": str(tmp_path / "media"),
    }


async def test_declared_topics_exist(stack):
    admin = AIOKafkaAdminClient(bootstrap_servers=stack.bootstrap_servers)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
    finally:
        await admin.close()
    missing = {spec.name for spec in TOPICS} - existing
    assert not missing, f"declared topics missing after stack start: {sorted(missing)}"


async def test_topic_prefix_topics_are_deleted_afterwards(stack):
    from greenmarket.infra.messaging.topics import ensure_topics

    with fresh_topic_prefix(stack.bootstrap_servers) as prefix:
        assert prefix.startswith("t") and prefix.endswith(".") and len(prefix) == 10
        await ensure_topics(stack.bootstrap_servers, prefix, TOPICS[:1])
        assert await _topics_with(stack.bootstrap_servers, prefix) == [prefix + TOPICS[0].name]
    deadline = time.monotonic() + 15  # deletion completes asynchronously on the broker
    while (left := await _topics_with(stack.bootstrap_servers, prefix)) and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    assert left == []


async def _topics_with(bootstrap_servers: str, prefix: str) -> list[str]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers)
    await admin.start()
    try:
        return sorted(t for t in await admin.list_topics() if t.startswith(prefix))
    finally:
        await admin.close()


def test_stack_up_twice_is_harmless_and_status_reports_every_component(stack):
    before = json.loads(_cli("stack", "status", "--json").stdout)
    for _ in range(2):
        result = _cli("stack", "up", "kafka", "postgres", "redis")
        assert result.returncode == 0, result.stdout + result.stderr
        assert "started" not in result.stdout
    after = json.loads(_cli("stack", "status", "--json").stdout)
    states = {c["name"]: c["state"] for c in after["components"]}
    assert set(states) == {"kafka", "postgres", "redis", "nginx"}
    for name in ("kafka", "postgres", "redis"):
        assert states[name] in {"running", "external"}, after

    def pids(status):
        return {c["name"]: c["pid"] for c in status["components"] if c["name"] != "nginx"}

    assert pids(before) == pids(after)


def test_logs_tails_a_component_log_and_names_the_available_ones(stack):
    if not (stack.state_dir / "logs" / "kafka.log").exists():
        pytest.skip("Kafka runs from another state dir")
    result = _cli("stack", "logs", "kafka", "-n", "1")
    assert result.returncode == 0 and result.stdout.strip()
    result = _cli("stack", "logs", "no-such-component")
    assert result.returncode == 1 and "kafka" in result.stdout
