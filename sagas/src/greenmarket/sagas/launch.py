"""`greenmarket up` launcher: migrations, then the API, the relay and the worker."""

from __future__ import annotations

import sys

from greenmarket.infra.migrations import upgrade_head_async
from greenmarket.infra.stack.services import ProcessSpec, ServiceContext
from greenmarket.sagas.orchestrator import MIGRATIONS_DIR

SERVICE_NAME = "sagas"
API_PORT = 8004
RELAY_PROBE_PORT = 9041
WORKER_PROBE_PORT = 9042


async def prepare(ctx: ServiceContext) -> None:
    await upgrade_head_async(MIGRATIONS_DIR, ctx.database_url(SERVICE_NAME))


def processes(ctx: ServiceContext) -> list[ProcessSpec]:
    env = ctx.base_env(SERVICE_NAME)
    return [
        ProcessSpec(
            "sagas-api",
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "greenmarket.sagas.app:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(API_PORT),
            ],
            env,
            health_url=f"http://127.0.0.1:{API_PORT}/readyz",
        ),
        ProcessSpec(
            "sagas-relay",
            [
                sys.executable,
                "-m",
                "greenmarket.infra.cli",
                "relay",
                "--probe-port",
                str(RELAY_PROBE_PORT),
            ],
            env,
            health_url=f"http://127.0.0.1:{RELAY_PROBE_PORT}/readyz",
        ),
        ProcessSpec(
            "sagas-worker",
            [
                sys.executable,
                "-m",
                "greenmarket.sagas.worker",
                "--probe-port",
                str(WORKER_PROBE_PORT),
            ],
            env,
            health_url=f"http://127.0.0.1:{WORKER_PROBE_PORT}/readyz",
        ),
    ]
