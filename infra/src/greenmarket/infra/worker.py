"""Running background components (relay, consumers, sagas) as one process with probes.

Each component is `async def run(stop: asyncio.Event)`. SIGTERM/SIGINT set `stop`; a component
that crashes stops the process with a non-zero exit, so the supervisor (greenmarket up,
Kubernetes) restarts it instead of leaving a half-alive worker.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Awaitable, Callable

import uvicorn

from greenmarket.infra.logging import configure_logging
from greenmarket.infra.settings import ServiceSettings
from greenmarket.infra.web.app import create_service_app
from greenmarket.infra.web.health import ReadinessCheck

log = logging.getLogger(__name__)

Component = Callable[[asyncio.Event], Awaitable[None]]


def resolve_probe_host(probe_host: str | None) -> str:
    """The explicit host, or PROBE_HOST from the settings (loopback unless configured)."""
    return probe_host or ServiceSettings().probe_host


async def serve_probes(name: str, port: int, checks: Callable[[], list[ReadinessCheck]], host: str = "127.0.0.1"):
    """/healthz, /readyz and /metrics for a process that has no HTTP API of its own."""
    app = create_service_app(name, readiness_checks=checks)
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan="off"))
    server.install_signal_handlers = lambda: None  # the worker owns signals
    return server


async def run_components(
    name: str,
    components: dict[str, Component],
    *,
    probe_port: int | None = None,
    probe_host: str | None = None,
    readiness_checks: Callable[[], list[ReadinessCheck]] = list,
    stop: asyncio.Event | None = None,
) -> None:
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, stop.set)
        except (NotImplementedError, RuntimeError):
            pass
    tasks = {asyncio.create_task(component(stop), name=key): key for key, component in components.items()}
    probe_server = None
    if probe_port is not None:
        probe_server = await serve_probes(name, probe_port, readiness_checks, resolve_probe_host(probe_host))
        tasks[asyncio.create_task(probe_server.serve(), name="probes")] = "probes"
    stopper = asyncio.create_task(stop.wait())
    done, _ = await asyncio.wait([*tasks, stopper], return_when=asyncio.FIRST_COMPLETED)
    failed = [task for task in done if task is not stopper and task.exception() is not None]
    stop.set()
    if probe_server is not None:
        probe_server.should_exit = True
    await asyncio.wait(list(tasks), timeout=15)
    for task in tasks:
        task.cancel()
    if failed:
        error = failed[0].exception()
        log.error("component %s failed: %r", tasks[failed[0]], error, exc_info=error)
        raise SystemExit(1)


def main(name: str, components: dict[str, Component], **kwargs) -> None:
    configure_logging(name)
    asyncio.run(run_components(name, components, **kwargs))
