"""Faust agents that keep projections, on the same idempotent processor as plain consumers.

An agent takes records in batches (`take_events`), hands them to an `IdempotentProcessor`
(one transaction per batch, one claim per event id), and Faust commits the offsets only after
the batch was processed: a worker killed mid-batch replays the batch and the claims skip what
already committed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

import faust
from faust.web import Request, Response, View

from greenmarket.infra.messaging.codec import ConsumedRecord
from greenmarket.infra.messaging.consumer import IdempotentProcessor
from greenmarket.infra.web.health import ReadinessCheck, run_checks
from greenmarket.infra.web.metrics import metrics_response
from greenmarket.infra.worker import resolve_probe_host


def make_faust_app(
    app_id: str,
    *,
    bootstrap_servers: str,
    probe_port: int | None = None,
    probe_host: str | None = None,
    readiness_checks: Callable[[], list[ReadinessCheck]] = list,
    datadir: str | None = None,
    session_timeout: float = 10.0,
) -> faust.App:
    extra = {"datadir": datadir} if datadir else {}
    app = faust.App(
        app_id,
        broker=",".join(f"kafka://{address.strip()}" for address in bootstrap_servers.split(",")),
        store="memory://",
        key_serializer="raw",
        value_serializer="raw",
        consumer_auto_offset_reset="earliest",
        # Our topics are declared by greenmarket.infra.messaging.topics; Faust must not create
        # them (or a leader topic), because the broker refuses auto-creation on purpose.
        topic_allow_declare=False,
        topic_disable_leader=True,
        stream_wait_empty=False,
        broker_commit_every=1,
        broker_commit_interval=0.5,
        web_enabled=probe_port is not None,
        web_port=probe_port or 6066,
        web_bind=resolve_probe_host(probe_host),
        web_in_thread=False,
        # Faust's 60 s default keeps a killed worker's partitions unowned for a minute.
        broker_session_timeout=session_timeout,
        broker_heartbeat_interval=min(3.0, session_timeout / 3),
        **extra,
    )
    if probe_port is not None:
        _install_probes(app, readiness_checks)
    return app


def _install_probes(app: faust.App, readiness_checks: Callable[[], list[ReadinessCheck]]) -> None:
    @app.page("/healthz")
    class Healthz(View):
        async def get(self, request: Request) -> Response:
            return self.json({"status": "ok"})

    @app.page("/readyz")
    class Readyz(View):
        async def get(self, request: Request) -> Response:
            checks = await run_checks(readiness_checks())
            ready = all(result == "ok" for result in checks.values())
            return self.json(
                {"status": "ready" if ready else "not ready", "checks": checks}, status=200 if ready else 503
            )

    @app.page("/metrics")
    class Metrics(View):
        async def get(self, request: Request) -> Response:
            rendered = metrics_response()
            return self.bytes(rendered.body, content_type=rendered.media_type)


def record_from_event(event) -> ConsumedRecord:
    message = event.message
    headers = message.headers or []
    if isinstance(headers, dict):
        headers = list(headers.items())
    return ConsumedRecord(
        message.topic,
        message.partition,
        message.offset,
        message.key,
        message.value,
        [(k, v if isinstance(v, bytes) else str(v).encode()) for k, v in headers],
        int(message.timestamp * 1000) if message.timestamp else 0,
    )


def idempotent_agent(
    app: faust.App,
    topics: list[str],
    processor_factory: Callable[[], IdempotentProcessor],
    *,
    name: str,
    batch_size: int = 500,
    batch_window: float = 0.2,
):
    """Register an agent that feeds batches of `topics` to the processor made at start-up."""
    channel = app.topic(*topics, key_serializer="raw", value_serializer="raw")
    holder: dict[str, IdempotentProcessor] = {}

    async def agent(stream):
        processor = holder.get("processor") or holder.setdefault("processor", processor_factory())
        async for events in stream.take_events(batch_size, within=batch_window):
            await processor.process([record_from_event(event) for event in events])
            await asyncio.sleep(0)

    agent.__name__ = name
    agent.__qualname__ = name
    return app.agent(channel, name=name)(agent)


def run_worker(app: faust.App, *, loglevel: str = "warn") -> None:
    """Run the Faust worker in this process (blocks). Its web server, if enabled, serves the probes."""
    import sys

    argv = [sys.argv[0], "worker", "--loglevel", loglevel]
    if not app.conf.web_enabled:
        argv.append("--without-web")
    sys.argv = argv
    app.main()
