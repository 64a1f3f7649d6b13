"""The helper scripts the images install, run against the real stack: the migration Job's
`gm-migrate`, the init containers' `gm-migrate --wait`, the topic Job's `gm-topics` and the
health check `gm-healthcheck`."""

from __future__ import annotations

import http.server
import importlib.machinery
import importlib.util
import os
import subprocess
import sys
import threading

import pytest
from test_gm_deployment_support import REPO

BIN = REPO / "deploy/docker/bin"


def run(script: str, *args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    # The images run them with /app/.venv/bin/python (their shebang); here the test's interpreter.
    return subprocess.run(
        [sys.executable, str(BIN / script), *args],
        env={**os.environ, **(env or {})}, capture_output=True, text=True, timeout=timeout,
    )  # fmt: skip


def _load(script: str):
    loader = importlib.machinery.SourceFileLoader(script.replace("-", "_"), str(BIN / script))
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(module)
    return module


@pytest.mark.parametrize("service", ["user", "product", "chat", "sagas"])
def test_gm_migrate_finds_every_service_s_migrations_in_the_installed_package(service):
    folder = _load("gm-migrate").migrations_dir(service)
    assert (folder / "env.py").is_file() and any((folder / "versions").glob("*.py")), folder


def test_gm_migrate_brings_an_empty_database_to_head_and_wait_sees_it(database_url):
    # One service end to end (each service's own tests cover its migrations): the Job's command,
    # then the init containers' wait, as the images run them.
    env = {"DATABASE_URL": database_url}
    waited = run("gm-migrate", "sagas", "--wait", "--timeout", "0", env=env)
    assert waited.returncode == 1, "an empty database is not at head"
    migrated = run("gm-migrate", "sagas", env=env)
    assert migrated.returncode == 0, migrated.stderr
    waited = run("gm-migrate", "sagas", "--wait", "--timeout", "0", env=env)
    assert waited.returncode == 0, waited.stderr


def test_gm_migrate_refuses_without_a_database_url():
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    proc = subprocess.run([sys.executable, str(BIN / "gm-migrate"), "user"], env=env, capture_output=True, text=True)
    assert proc.returncode == 2 and "DATABASE_URL" in proc.stderr


async def test_gm_topics_creates_every_declared_topic_once(stack, topic_prefix):
    from greenmarket.infra.messaging.clients import start_admin
    from greenmarket.infra.messaging.topics import TOPICS

    env = {"KAFKA_BOOTSTRAP_SERVERS": stack.bootstrap_servers, "TOPIC_PREFIX": topic_prefix, "TOPIC_REPLICATION_FACTOR": "1"}
    first = run("gm-topics", env=env)
    assert first.returncode == 0, first.stderr
    second = run("gm-topics", env=env)
    assert second.returncode == 0 and "none (all present)" in second.stdout, second.stdout + second.stderr
    admin = await start_admin(stack.bootstrap_servers)
    try:
        existing = set(await admin.list_topics())
    finally:
        await admin.close()
    assert {f"{topic_prefix}{spec.name}" for spec in TOPICS} <= existing


class _Answer(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - the stdlib's name
        self.send_response(200 if self.path == "/healthz" else 503)
        self.end_headers()

    def log_message(self, *args):
        pass


def test_gm_healthcheck_passes_on_2xx_and_fails_otherwise():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        assert run("gm-healthcheck", f"{base}/healthz").returncode == 0
        assert run("gm-healthcheck", f"{base}/readyz").returncode == 1
        assert run("gm-healthcheck", env={"HEALTHCHECK_URL": f"{base}/healthz"}).returncode == 0
    finally:
        server.shutdown()
        server.server_close()
    closed = run("gm-healthcheck", f"{base}/healthz", env={"HEALTHCHECK_TIMEOUT": "1"})
    assert closed.returncode == 1
