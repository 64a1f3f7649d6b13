"""`greenmarket up` with a throwaway service registered through the `greenmarket.services` entry points."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import asyncpg
import httpx
import pytest

from greenmarket.infra.stack.config import StackConfig
from greenmarket.infra.stack.launcher import Supervisor
from greenmarket.infra.stack.postgres import drop_database_async
from greenmarket.infra.stack.process import StackError, run_async
from greenmarket.infra.stack.services import ProcessSpec

pytestmark = pytest.mark.slow

FAKE_LAUNCHER = """
import asyncio, json, os, sys
from pathlib import Path
from greenmarket.infra.stack.services import ProcessSpec

SERVICE_NAME = "{service}"

async def prepare(ctx):
    await asyncio.sleep(0)
    Path(os.environ["GM_FAKE_MARK"]).write_text(json.dumps(ctx.base_env(SERVICE_NAME)))

def processes(ctx):
    port = os.environ["GM_FAKE_PORT"]
    argv = [sys.executable, "-m", "http.server", port, "--bind", "127.0.0.1", "--directory", str(ctx.state_dir)]
    return [ProcessSpec(f"{{SERVICE_NAME}}-web", argv, ctx.base_env(SERVICE_NAME), f"http://127.0.0.1:{{port}}/")]
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _register_fake_service(site: Path, service: str) -> None:
    site.mkdir(parents=True)
    (site / "gm_fake_launcher.py").write_text(FAKE_LAUNCHER.format(service=service))
    dist = site / "gm_fake_launcher-0.0.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: gm-fake-launcher\nVersion: 0.0.0\n")
    (dist / "entry_points.txt").write_text(f"[greenmarket.services]\n{service} = gm_fake_launcher\n")


def _wait_for_line(proc: subprocess.Popen[str], needle: str, timeout: float) -> str:
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line and proc.poll() is not None:
            break
        seen.append(line)
        if needle in line:
            return "".join(seen)
    raise AssertionError(f"no {needle!r} within {timeout}s; output:\n{''.join(seen)}")


def test_up_prepares_starts_reports_and_stops_a_registered_service(stack, tmp_path):
    service = f"gmfake{uuid.uuid4().hex[:6]}"
    _register_fake_service(tmp_path / "site", service)
    port, gateway_port = _free_port(), _free_port()
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(tmp_path / "site"), os.environ.get("PYTHONPATH")])),
        "GREENMARKET_STATE_DIR": str(tmp_path / "state"),  # a private `up`, sharing the running servers
        "GREENMARKET_GATEWAY_PORT": str(gateway_port),
        "GM_FAKE_PORT": str(port),
        "GM_FAKE_MARK": str(tmp_path / "prepared.json"),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "greenmarket.infra.cli", "up", "--no-web", "--only", service],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        output = _wait_for_line(proc, "Greenmarket is up", timeout=90)
        assert f"{service}-web" in output
        assert httpx.get(f"http://127.0.0.1:{port}/", timeout=5).status_code == 200
        assert httpx.get(f"http://127.0.0.1:{gateway_port}/media/nothing", timeout=5).status_code == 404
        prepared = json.loads((tmp_path / "prepared.json").read_text())
        assert prepared["DATABASE_URL"].endswith(f"/greenmarket_{service}")
        assert prepared["KAFKA_BOOTSTRAP_SERVERS"] == stack.bootstrap_servers
        # `up` created the service's role and database before prepare
        assert run_async(lambda: _can_connect(prepared["DATABASE_URL"].replace("+asyncpg", "")))

        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=45) == 0, proc.stdout.read()
        with pytest.raises(httpx.HTTPError):
            httpx.get(f"http://127.0.0.1:{port}/", timeout=2)
        with pytest.raises(httpx.HTTPError):  # the private gateway it started is gone too
            httpx.get(f"http://127.0.0.1:{gateway_port}/", timeout=2)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        run_async(lambda: _drop_database_and_role(stack.admin_dsn, f"greenmarket_{service}"))


async def _can_connect(dsn: str) -> bool:
    conn = await asyncpg.connect(dsn)
    await conn.close()
    return True


async def _drop_database_and_role(admin_dsn: str, name: str) -> None:
    await drop_database_async(admin_dsn, name)
    admin = await asyncpg.connect(admin_dsn)
    try:
        await admin.execute(f'DROP ROLE IF EXISTS "{name}"')
    finally:
        await admin.close()


def test_a_process_that_dies_during_startup_fails_loudly_with_its_log(tmp_path):
    import dataclasses

    from rich.console import Console

    config = dataclasses.replace(StackConfig.from_env(), state_dir=tmp_path)
    crash = "import sys; print('cannot bind: boom'); sys.exit(3)"
    with open(os.devnull, "w") as devnull:
        supervisor = Supervisor(config, Console(file=devnull))
        supervisor.start(ProcessSpec("crasher", [sys.executable, "-c", crash], {}, f"http://127.0.0.1:{_free_port()}/"))
        try:
            with pytest.raises(StackError) as failure:
                supervisor.wait_healthy(timeout=20)
        finally:
            supervisor.stop_all()
    assert "crasher exited with code 3" in str(failure.value)
    assert "cannot bind: boom" in str(failure.value)
