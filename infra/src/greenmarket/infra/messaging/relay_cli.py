"""`greenmarket relay`: the outbox relay of one service database."""

from __future__ import annotations

import typer

from greenmarket.infra.db import create_engine
from greenmarket.infra.messaging.relay import OutboxRelay
from greenmarket.infra.settings import ServiceSettings
from greenmarket.infra.web.health import database_check, kafka_check
from greenmarket.infra.worker import main


def relay(
    probe_port: int | None = typer.Option(None, help="Serve /healthz, /readyz and /metrics on this port."),
    batch_size: int = typer.Option(500, help="Rows published per round trip."),
    poll_interval: float = typer.Option(1.0, help="Seconds between polls when no NOTIFY wakes the relay."),
) -> None:
    """Publish this service's outbox (DATABASE_URL) to Kafka (KAFKA_BOOTSTRAP_SERVERS)."""
    settings = ServiceSettings()
    outbox_relay = OutboxRelay(
        settings.database_url,
        settings.kafka_bootstrap_servers,
        topic_prefix=settings.topic_prefix,
        batch_size=batch_size,
        poll_interval=poll_interval,
    )
    engine = create_engine(settings.database_url, pool_size=1)
    main(
        f"{settings.service_name}-relay",
        {"relay": outbox_relay.run},
        probe_port=probe_port,
        readiness_checks=lambda: [database_check(engine), kafka_check(settings.kafka_bootstrap_servers)],
    )


relay_app = typer.Typer(help="The outbox relay.")
relay_app.callback(invoke_without_command=True)(relay)
