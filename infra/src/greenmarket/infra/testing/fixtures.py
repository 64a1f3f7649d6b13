"""pytest plugin: tests run against the real local stack (loaded with `-p greenmarket.infra.testing.fixtures`).

- `stack` (session): Kafka, PostgreSQL and Redis answering. A stack that already runs (started by
  `greenmarket stack up`, `greenmarket up` or another pytest session, from any clone) is reused;
  otherwise this session starts one with the same code as `greenmarket stack up`, and at the end
  stops what it started, unless another session still uses it or GREENMARKET_KEEP_STACK=1.
- `gateway` (session): additionally nginx on the gateway port; returns its URL.
- `database_url` (function): a fresh database owned by the admin role, dropped afterwards.
- `topic_prefix` (function): a fresh topic namespace such as `t3f9a1c2.`; its topics are deleted afterwards.

The fixtures are synchronous and run their async work on a private loop in a helper thread, so
they work with any pytest-asyncio loop scope.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from greenmarket.infra.stack.config import StackConfig
from greenmarket.infra.stack.manager import BACKING_SERVICES, Stack, lease, other_users
from greenmarket.infra.stack.postgres import create_database_async, drop_database_async
from greenmarket.infra.stack.process import run_async

log = logging.getLogger(__name__)

TEST_DATABASE_PREFIX = "gmtest_"


@dataclass(frozen=True)
class RunningStack:
    bootstrap_servers: str
    admin_dsn: str
    redis_url: str
    state_dir: Path
    gateway_url: str
    media_root: Path
    started: tuple[str, ...]  # the components this session started (and will stop)


class _SessionStack:
    """The session's view of the stack: what it started, and the lease that says it is using it."""

    def __init__(self) -> None:
        self.stack = Stack(StackConfig.from_env())
        self.started: list[str] = []
        self._lease = lease(f"pytest session (pid {os.getpid()})", ())
        self._exit = contextlib.ExitStack()
        self._exit.enter_context(self._lease)

    def ensure(self, names: tuple[str, ...]) -> RunningStack:
        self._lease.add(self.stack.lease_keys(names))
        result = self.stack.up(names, declare_topics="kafka" in names)
        self.started += [n for n in result.started if n not in self.started]
        info = result.info
        return RunningStack(
            bootstrap_servers=info.bootstrap_servers,
            admin_dsn=info.admin_dsn,
            redis_url=info.redis_url,
            state_dir=info.state_dir,
            gateway_url=info.gateway_url,
            media_root=info.media_root,
            started=tuple(self.started),
        )

    def close(self) -> None:
        try:
            if not self.started:
                return
            if os.environ.get("GREENMARKET_KEEP_STACK", "").lower() in {"1", "true", "yes"}:
                return
            if users := other_users(self.stack.lease_keys(self.started)):
                log.warning("leaving %s running: still used by %s", ", ".join(self.started), "; ".join(users))
                return
            self.stack.down(self.started)
        finally:
            self._exit.close()


@pytest.fixture(scope="session")
def _greenmarket_session_stack() -> Iterator[_SessionStack]:
    session = _SessionStack()
    try:
        yield session
    finally:
        session.close()


@pytest.fixture(scope="session")
def stack(_greenmarket_session_stack: _SessionStack) -> RunningStack:
    """Kafka, PostgreSQL and Redis, answering; reused when already running."""
    running = _greenmarket_session_stack.ensure(BACKING_SERVICES)
    run_async(lambda: _drop_orphaned_databases(running.admin_dsn))
    return running


@pytest.fixture(scope="session")
def gateway(stack: RunningStack, _greenmarket_session_stack: _SessionStack) -> str:
    """The nginx gateway's base URL (http://127.0.0.1:8080 by default)."""
    return _greenmarket_session_stack.ensure(("nginx",)).gateway_url


@contextlib.contextmanager
def fresh_database(admin_dsn: str) -> Iterator[str]:
    """A new empty database owned by the admin role; dropped on exit even if connections remain."""
    name = f"{TEST_DATABASE_PREFIX}{os.getpid()}_{uuid.uuid4().hex[:10]}"
    url = run_async(lambda: create_database_async(admin_dsn, name))
    try:
        yield url
    finally:
        run_async(lambda: drop_database_async(admin_dsn, name))


@contextlib.contextmanager
def fresh_topic_prefix(bootstrap_servers: str) -> Iterator[str]:
    """A unique topic namespace such as `t3f9a1c2.`; topics under it are deleted on exit (best effort)."""
    prefix = f"t{uuid.uuid4().hex[:8]}."
    try:
        yield prefix
    finally:
        try:
            run_async(lambda: _delete_topics_with_prefix(bootstrap_servers, prefix))
        except Exception as exc:  # noqa: BLE001 - leftover topics must not fail the test
            log.warning("could not delete topics %s*: %s", prefix, exc)


@pytest.fixture
def database_url(stack: RunningStack) -> Iterator[str]:
    """`postgresql+asyncpg://` URL of a fresh, empty database; dropped (connections terminated) afterwards."""
    with fresh_database(stack.admin_dsn) as url:
        yield url


@pytest.fixture
def topic_prefix(stack: RunningStack) -> Iterator[str]:
    """A unique topic namespace such as `t3f9a1c2.`; topics under it are deleted after the test."""
    with fresh_topic_prefix(stack.bootstrap_servers) as prefix:
        yield prefix


async def _delete_topics_with_prefix(bootstrap_servers: str, prefix: str) -> None:
    from aiokafka.admin import AIOKafkaAdminClient

    from greenmarket.infra.messaging.clients import delete_consumer_groups

    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=10000)
    await asyncio.wait_for(admin.start(), 10)
    try:
        # Consumer groups first: a group that outlives its topics shows up in every lag view.
        groups = [entry[0] for entry in await admin.list_consumer_groups() if entry[0].startswith(prefix)]
        if groups:
            await asyncio.wait_for(delete_consumer_groups(admin, groups), 20)
        names = [t for t in await admin.list_topics() if t.startswith(prefix)]
        if names:
            await asyncio.wait_for(admin.delete_topics(names), 20)
    finally:
        await admin.close()


async def _drop_orphaned_databases(admin_dsn: str) -> None:
    """Drop test databases whose pytest process died before it could drop them."""
    import asyncpg

    from greenmarket.infra.stack.process import pid_alive

    conn = await asyncpg.connect(admin_dsn, timeout=10)
    try:
        names = await conn.fetch("SELECT datname FROM pg_database WHERE datname LIKE $1", TEST_DATABASE_PREFIX + "%")
    finally:
        await conn.close()
    for (name,) in names:
        pid = name[len(TEST_DATABASE_PREFIX) :].split("_", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and not pid_alive(int(pid)):
            with contextlib.suppress(Exception):
                await drop_database_async(admin_dsn, name)
