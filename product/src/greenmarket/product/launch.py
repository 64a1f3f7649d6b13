"""The product service under `greenmarket up`: migrations, then API, relay, participant and Faust agents."""

from __future__ import annotations

import sys
from pathlib import Path

from greenmarket.infra.migrations import upgrade_head_async
from greenmarket.infra.stack.services import ProcessSpec, ServiceContext

SERVICE_NAME = "product"
API_PORT = 8002
RELAY_PROBE_PORT = 9021
WORKER_PROBE_PORT = 9022
AGENTS_PROBE_PORT = 9023
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


async def prepare(ctx: ServiceContext) -> None:
    await upgrade_head_async(MIGRATIONS, ctx.database_url(SERVICE_NAME))


def processes(ctx: ServiceContext) -> list[ProcessSpec]:
    env = ctx.base_env(SERVICE_NAME)
    python = sys.executable
    return [
        ProcessSpec(
            "product-api",
            [
                python,
                "-m",
                "uvicorn",
                "--factory",
                "greenmarket.product.app:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(API_PORT),
                "--no-access-log",
            ],
            env,
            health_url=f"http://127.0.0.1:{API_PORT}/readyz",
        ),
        ProcessSpec(
            "product-relay",
            # The `greenmarket` script of this environment, next to its python.
            [str(Path(python).parent / "greenmarket"), "relay", "--probe-port", str(RELAY_PROBE_PORT)],
            env,
            health_url=f"http://127.0.0.1:{RELAY_PROBE_PORT}/healthz",
        ),
        ProcessSpec(
            "product-worker",
            [python, "-m", "greenmarket.product.worker"],
            env,
            health_url=f"http://127.0.0.1:{WORKER_PROBE_PORT}/healthz",
        ),
        ProcessSpec(
            "product-agents",
            [
                python,
                "-m",
                "greenmarket.product.agents",
                "--datadir",
                str(ctx.state_dir / "faust" / "product-agents"),
                "worker",
                "-l",
                "warn",
            ],
            {**env, "AGENTS_PROBE_PORT": str(AGENTS_PROBE_PORT)},
            health_url=f"http://127.0.0.1:{AGENTS_PROBE_PORT}/healthz",
        ),
    ]
