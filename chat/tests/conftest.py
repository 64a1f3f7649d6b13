"""Fixtures of the chat tests: a migrated database and chat servers (two, sharing Redis and the DB)."""

from __future__ import annotations

import uuid

import httpx
import pytest
from chat_test_helpers import start_server

from greenmarket.chat.app import create_app
from greenmarket.chat.migrations import MIGRATIONS_DIR
from greenmarket.chat.settings import ChatSettings
from greenmarket.infra.migrations import upgrade_head_async
from greenmarket.infra.testing.tokens import test_verifier


@pytest.fixture
async def chat_db(database_url: str) -> str:
    await upgrade_head_async(MIGRATIONS_DIR, database_url)
    return database_url


@pytest.fixture
def chat_settings(chat_db: str, stack) -> ChatSettings:
    # A namespace of our own on the shared Redis (socket.io channel, rate-limit keys).
    return ChatSettings(
        database_url=chat_db,
        redis_url=stack.redis_url,
        kafka_bootstrap_servers=stack.bootstrap_servers,
        topic_prefix=f"t{uuid.uuid4().hex[:8]}.",
        rate_limit_messages=1000,
    )


@pytest.fixture
async def chat_servers(chat_settings: ChatSettings):
    """Start chat servers on free ports: `await chat_servers(2)`; all are stopped after the test."""
    started = []

    async def start(count: int = 1, settings: ChatSettings | None = None):
        servers = []
        for _ in range(count):
            server = await start_server(create_app(settings or chat_settings, verifier=test_verifier()))
            started.append(server)
            servers.append(server)
        return servers

    yield start
    for server in started:
        await server.stop()


@pytest.fixture
async def server(chat_servers):
    return (await chat_servers(1))[0]


@pytest.fixture
async def http(server):
    async with httpx.AsyncClient(base_url=server.url, timeout=10) as client:
        yield client
