"""`greenmarket lag`, `greenmarket dlq …` and `greenmarket projections …` for operators.

They read KAFKA_BOOTSTRAP_SERVERS, TOPIC_PREFIX, DATABASE_URL (projections: the database of the
service that holds the view; dlq redrive: where the dead-lettered claim is released) and
DLQ_DATABASE_URLS like the `ops` process.
"""

from __future__ import annotations

import asyncio
import os
from datetime import UTC, datetime

import typer
from rich.console import Console
from rich.live import Live
from rich.table import Table

from greenmarket.infra.messaging.clients import BrokerUnavailable
from greenmarket.infra.ops.app import build_monitor
from greenmarket.infra.ops.render import lag_json, lag_table
from greenmarket.infra.ops.settings import OpsSettings

console = Console()


# --- greenmarket lag ---------------------------------------------------------------------------


def lag(
    watch: bool = typer.Option(False, "--watch", "-w", help="Keep polling and redraw the table in place."),
    as_json: bool = typer.Option(False, "--json", help="Print the API's JSON instead of a table."),
    samples: int = typer.Option(3, help="Samples taken before a one-shot answer (a trend needs more than one)."),
    interval: float = typer.Option(1.0, help="Seconds between samples."),
) -> None:
    """Every consumer group: lag per partition in messages and seconds, Burrow status, owners.

    The CLI evaluates over its own short window (samples × interval); the `ops` process keeps the
    long one (LAG_WINDOW_SIZE × LAG_POLL_INTERVAL).
    """
    settings = OpsSettings(lag_poll_interval=interval)
    try:
        asyncio.run(_lag(settings, watch=watch, as_json=as_json, samples=max(samples, 1)))
    except KeyboardInterrupt:  # Ctrl-C ends --watch
        pass
    except BrokerUnavailable as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None


async def _lag(settings: OpsSettings, *, watch: bool, as_json: bool, samples: int) -> None:
    monitor = build_monitor(settings)
    await monitor.reader.start()
    try:
        if not watch:
            for i in range(samples):
                if i:
                    await asyncio.sleep(monitor.interval)
                snapshot = await monitor.cycle()
            console.print(lag_json(snapshot) if as_json else lag_table(snapshot))
            return
        with Live(lag_table(None), console=console, refresh_per_second=4, screen=False) as live:
            while True:
                snapshot = await monitor.cycle()
                if as_json:
                    console.print(lag_json(snapshot))
                else:
                    live.update(lag_table(snapshot))
                await asyncio.sleep(monitor.interval)
    finally:
        await monitor.reader.close()


lag_app = typer.Typer(help="Consumer lag with Burrow's evaluation.")
lag_app.callback(invoke_without_command=True)(lag)


# --- greenmarket dlq -------------------------------------------------------------------------------

dlq_app = typer.Typer(help="Dead-letter topics: list, show, redrive, purge.", no_args_is_help=True)


def _dlq_tools():
    from greenmarket.infra.messaging.dlq_tools import DlqTools

    settings = OpsSettings()
    urls = list(settings.dlq_database_urls)
    # A DATABASE_URL that is set names the service whose consumer dead-lettered the records.
    if "DATABASE_URL" in os.environ and settings.database_url not in urls:
        urls.append(settings.database_url)
    return DlqTools(settings.kafka_bootstrap_servers, prefix=settings.topic_prefix, database_urls=urls)


def _when(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _run_dlq(action):
    from greenmarket.infra.messaging.dlq_tools import UnknownDlq

    try:
        return asyncio.run(action)
    except UnknownDlq as exc:
        console.print(f"[red]no dead-letter topic {exc}[/red] (see `greenmarket dlq list`)")
        raise typer.Exit(1) from None
    except BrokerUnavailable as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None


@dlq_app.command("list")
def dlq_list() -> None:
    """Every `<topic>.dlq` with its record count and its newest error."""
    summaries = _run_dlq(_dlq_tools().list(preview=1))
    table = Table("dlq", "records", "not redriven", "newest error", "consumer", "failed at", title="Dead-letter topics")
    for s in summaries:
        newest = s.newest[0] if s.newest else None
        table.add_row(
            s.topic,
            str(s.records),
            str(s.pending),
            f"{newest.error.get('error.type', '')}: {newest.error.get('error.message', '')}"[:80] if newest else "",
            newest.error.get("consumer", "") if newest else "",
            newest.error.get("failed_at", "") if newest else "",
        )
    console.print(table)


@dlq_app.command("show")
def dlq_show(topic: str, limit: int = typer.Option(20, help="How many of the newest records.")) -> None:
    """The newest records of one DLQ with their error headers."""
    from greenmarket.infra.messaging.dlq_tools import resolve_dlq

    tools = _dlq_tools()
    summary = _run_dlq(tools.summary(resolve_dlq(topic, tools.prefix), preview=limit))
    console.print(f"[bold]{summary.topic}[/bold]: {summary.records} records, {summary.pending} not redriven")
    for r in summary.newest:
        console.rule(f"offset {r.offset} · {_when(r.timestamp_ms)} · {r.event_type or '?'} {r.event_id or ''}")
        for name, value in sorted(r.error.items()):
            if name != "error.stack":
                console.print(f"  [cyan]{name}[/cyan] {value}")
        if stack := r.error.get("error.stack"):
            console.print(stack.rstrip(), style="dim", markup=False, highlight=False)


@dlq_app.command("redrive")
def dlq_redrive(
    topic: str,
    offset: int | None = typer.Option(None, "--offset", min=0, help="Start here instead of after the last redrive."),
) -> None:
    """Send records back to their original topic (without the dlq.* headers), each record once."""
    from greenmarket.infra.messaging.dlq_tools import resolve_dlq

    tools = _dlq_tools()
    result = _run_dlq(tools.redrive(resolve_dlq(topic, tools.prefix), from_offset=offset))
    console.print(
        f"redrove {result.redriven} record(s) from {result.topic} "
        f"({result.claims_released} processed-event claim(s) released); next offsets {result.next_offsets}"
    )


@dlq_app.command("purge")
def dlq_purge(topic: str, yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask.")) -> None:
    """Delete every record of a DLQ (after you have redriven or inspected what matters)."""
    from greenmarket.infra.messaging.dlq_tools import resolve_dlq

    tools = _dlq_tools()
    name = resolve_dlq(topic, tools.prefix)
    if not yes:
        typer.confirm(f"Delete every record of {name}?", abort=True)
    deleted = _run_dlq(tools.purge(name))
    console.print(f"deleted {deleted} record(s) from {name}")


# --- greenmarket projections ----------------------------------------------------------------------

projections_app = typer.Typer(help="Projections (denormalized views): list, rebuild.", no_args_is_help=True)


@projections_app.command("list")
def projections_list() -> None:
    """Every projection registered under the `greenmarket.projections` entry points."""
    from greenmarket.infra.messaging.rebuild import discover_projections

    table = Table("name", "service", "consumer", "topics", title="Projections")
    for spec in discover_projections().values():
        table.add_row(spec.name, spec.service, spec.consumer, ", ".join(spec.topics))
    console.print(table)


@projections_app.command("rebuild")
def projections_rebuild(name: str) -> None:
    """Empty the view and replay its topics; the live agent keeps consuming meanwhile (see docs/operations.md)."""
    from greenmarket.infra.messaging.rebuild import UnknownProjection, find_projection

    try:
        spec = find_projection(name)
    except UnknownProjection as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from None
    settings = OpsSettings()
    result = asyncio.run(_rebuild(spec, settings))
    console.print(
        f"rebuilt {result.name}: cleared {result.claims_cleared} claims, replayed {result.records_replayed} records "
        f"in {result.seconds:.1f} s"
    )


async def _rebuild(spec, settings: OpsSettings):
    from greenmarket.infra.db import create_engine, create_sessionmaker
    from greenmarket.infra.messaging.rebuild import rebuild
    from greenmarket.infra.settings import local_database_url

    # The view lives in its service's database: DATABASE_URL, or that service's local-stack database.
    url = os.environ.get("DATABASE_URL") or local_database_url(spec.service)
    engine = create_engine(url, pool_size=2)
    try:
        return await rebuild(
            spec,
            create_sessionmaker(engine),
            bootstrap_servers=settings.kafka_bootstrap_servers,
            topic_prefix=settings.topic_prefix,
        )
    finally:
        await engine.dispose()
