"""The `ops` process: the lag monitor running in the background behind `/api/ops/*` and `/metrics`.

uvicorn --factory greenmarket.infra.ops.app:create_app --port 8005
"""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager

from fastapi import FastAPI

from greenmarket.infra.auth import JwksVerifier
from greenmarket.infra.messaging.dlq_tools import DlqTools
from greenmarket.infra.ops.api import router
from greenmarket.infra.ops.broker import BrokerReader
from greenmarket.infra.ops.metrics import LAG_COLLECTOR
from greenmarket.infra.ops.monitor import LagMonitor
from greenmarket.infra.ops.settings import OpsSettings
from greenmarket.infra.web.app import create_service_app
from greenmarket.infra.web.health import kafka_check


def build_monitor(settings: OpsSettings) -> LagMonitor:
    reader = BrokerReader(
        settings.kafka_bootstrap_servers, group_filter=settings.lag_group_prefix or settings.topic_prefix
    )
    return LagMonitor(reader, window_size=settings.lag_window_size, interval=settings.lag_poll_interval)


def create_app(settings: OpsSettings | None = None, *, verifier: JwksVerifier | None = None) -> FastAPI:
    settings = settings or OpsSettings()
    monitor = build_monitor(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        stop = asyncio.Event()
        task = asyncio.create_task(monitor.run(stop), name="lag-monitor")
        LAG_COLLECTOR.source = lambda: monitor.latest
        try:
            yield
        finally:
            stop.set()
            await asyncio.wait_for(task, 15)

    app = create_service_app(
        "ops",
        routers=[router],
        readiness_checks=lambda: [kafka_check(settings.kafka_bootstrap_servers)],
        lifespan=lifespan,
        log_level=settings.log_level,
    )
    app.state.settings = settings
    app.state.lag_monitor = monitor
    app.state.jwks_verifier = verifier or JwksVerifier.from_url(settings.jwks_url)
    app.state.dlq_tools = DlqTools(
        settings.kafka_bootstrap_servers, prefix=settings.topic_prefix, database_urls=settings.dlq_database_urls
    )
    return app
