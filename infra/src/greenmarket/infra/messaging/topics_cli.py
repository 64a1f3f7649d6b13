"""`greenmarket topics ensure|list`: create or check the declared topics."""

from __future__ import annotations

import asyncio

import typer
from rich.console import Console
from rich.table import Table

from greenmarket.infra.messaging.topics import TOPICS, ensure_topics
from greenmarket.infra.settings import ServiceSettings

topics_app = typer.Typer(help="Kafka topics declared by Greenmarket.", no_args_is_help=True)


@topics_app.command("ensure")
def ensure(
    bootstrap_servers: str = typer.Option(None, envvar="KAFKA_BOOTSTRAP_SERVERS", help="Defaults to the settings."),
    prefix: str = typer.Option("", envvar="TOPIC_PREFIX"),
    replication_factor: int = typer.Option(1, envvar="TOPIC_REPLICATION_FACTOR"),
) -> None:
    """Create missing topics; fail if an existing one differs from its declaration."""
    servers = bootstrap_servers or ServiceSettings().kafka_bootstrap_servers
    created = asyncio.run(ensure_topics(servers, prefix, replication_factor=replication_factor))
    typer.echo(f"{len(TOPICS)} topics declared, {len(created)} created")


@topics_app.command("list")
def list_declared() -> None:
    """Show the declarations (name, partitions, retention, cleanup policy)."""
    table = Table("topic", "partitions", "retention", "cleanup")
    for spec in TOPICS:
        table.add_row(spec.name, str(spec.partitions), f"{spec.retention_ms // 86_400_000} d", spec.cleanup_policy)
    Console().print(table)
