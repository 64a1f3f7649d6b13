"""How `greenmarket up` runs the chat: two API processes (the multi-pod path is the normal path),
the outbox relay, the saga participant worker and the Faust agents."""

from __future__ import annotations

import sys
from pathlib import Path

from greenmarket.chat.migrations import MIGRATIONS_DIR
from greenmarket.infra.migrations import upgrade_head_async
from greenmarket.infra.stack.services import ProcessSpec, ServiceContext

SERVICE_NAME = "chat"
API_PORTS = (8003, 8013)
RELAY_PROBE_PORT = 9031
WORKER_PROBE_PORT = 9032
AGENTS_PROBE_PORT = 9033


def faust_datadir(ctx: ServiceContext) -> Path:
    return ctx.state_dir / "faust"


async def prepare(ctx: ServiceContext) -> None:
    await upgrade_head_async(MIGRATIONS_DIR, ctx.database_url(SERVICE_NAME))
    faust_datadir(ctx).mkdir(parents=True, exist_ok=True)


def processes(ctx: ServiceContext) -> list[ProcessSpec]:
    env = ctx.base_env(SERVICE_NAME)
    python = sys.executable
    greenmarket_cli = str(Path(python).with_name("greenmarket"))
    specs = [
        ProcessSpec(
            name=f"chat-api-{index}",
            argv=[
                python,
                "-m",
                "uvicorn",
                "--factory",
                "greenmarket.chat.app:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--no-access-log",
            ],
            env=env,
            health_url=f"http://127.0.0.1:{port}/healthz",
        )
        for index, port in enumerate(API_PORTS, start=1)
    ]
    specs += [
        ProcessSpec(
            name="chat-relay",
            argv=[greenmarket_cli, "relay", "--probe-port", str(RELAY_PROBE_PORT)],
            env=env,
            health_url=f"http://127.0.0.1:{RELAY_PROBE_PORT}/healthz",
        ),
        ProcessSpec(
            name="chat-worker",
            argv=[python, "-m", "greenmarket.chat.worker"],
            env={**env, "WORKER_PROBE_PORT": str(WORKER_PROBE_PORT)},
            health_url=f"http://127.0.0.1:{WORKER_PROBE_PORT}/healthz",
        ),
        ProcessSpec(
            name="chat-agents",
            argv=[python, "-m", "greenmarket.chat.agents"],
            # Faust keeps a data directory; under the stack's state, not in the working directory.
            env={**env, "AGENTS_PROBE_PORT": str(AGENTS_PROBE_PORT), "FAUST_DATADIR": str(faust_datadir(ctx))},
            health_url=f"http://127.0.0.1:{AGENTS_PROBE_PORT}/healthz",
        ),
    ]
    return specs
