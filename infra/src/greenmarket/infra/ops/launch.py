"""How `greenmarket up` runs the `ops` process: the lag monitor and its API on port 8005."""

from __future__ import annotations

import json
import sys
from importlib.metadata import entry_points

from greenmarket.infra.stack.services import ProcessSpec, ServiceContext

SERVICE_NAME = "ops"
API_PORT = 8005


def prepare(ctx: ServiceContext) -> None:
    """Nothing to migrate: the monitor keeps its windows in memory."""


def service_databases(ctx: ServiceContext) -> list[str]:
    """Every other service's database: a DLQ redrive releases the dead-lettered event's claim there."""
    names = sorted({ep.name for ep in entry_points(group="greenmarket.services")} - {SERVICE_NAME})
    return [ctx.database_url(name) for name in names]


def processes(ctx: ServiceContext) -> list[ProcessSpec]:
    env = ctx.base_env(SERVICE_NAME) | {"DLQ_DATABASE_URLS": json.dumps(service_databases(ctx))}
    return [
        ProcessSpec(
            "ops",
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "greenmarket.infra.ops.app:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(API_PORT),
            ],
            env=env,
            health_url=f"http://127.0.0.1:{API_PORT}/readyz",
        )
    ]
