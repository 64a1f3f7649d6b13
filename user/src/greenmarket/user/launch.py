"""How `greenmarket up` runs the user service: migrations, then API, relay and worker."""

from __future__ import annotations

import sys
from pathlib import Path

from greenmarket.infra.migrations import upgrade_head_async
from greenmarket.infra.stack.services import ProcessSpec, ServiceContext

SERVICE_NAME = "user"
API_PORT = 8001
RELAY_PROBE_PORT = 9011
WORKER_PROBE_PORT = 9012
MIGRATIONS = Path(__file__).parent / "migrations"


async def prepare(ctx: ServiceContext) -> None:
    await upgrade_head_async(MIGRATIONS, ctx.database_url(SERVICE_NAME))


def processes(ctx: ServiceContext) -> list[ProcessSpec]:
    env = ctx.base_env(SERVICE_NAME)
    return [
        ProcessSpec(
            "user-api",
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "greenmarket.user.app:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(API_PORT),
            ],
            env=env,
            health_url=f"http://127.0.0.1:{API_PORT}/readyz",
        ),
        ProcessSpec(
            "user-relay",
            [sys.executable, "-m", "greenmarket.infra.cli", "relay", "--probe-port", str(RELAY_PROBE_PORT)],
            env=env,
            health_url=f"http://127.0.0.1:{RELAY_PROBE_PORT}/readyz",
        ),
        ProcessSpec(
            "user-worker",
            [sys.executable, "-m", "greenmarket.user.worker", "--probe-port", str(WORKER_PROBE_PORT)],
            env=env,
            health_url=f"http://127.0.0.1:{WORKER_PROBE_PORT}/readyz",
        ),
    ]
