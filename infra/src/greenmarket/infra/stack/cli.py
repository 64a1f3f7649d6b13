"""`greenmarket stack ...` and `greenmarket up`."""

from __future__ import annotations

import json
import logging
import os
import shutil
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from greenmarket.infra.stack.config import StackConfig
from greenmarket.infra.stack.manager import ALL_COMPONENTS, Stack
from greenmarket.infra.stack.process import PidRecord, StackError, pid_alive

# Piped output (CI logs) gets wide lines rather than tables folded at 80 columns.
console = Console(highlight=False, width=None if sys.stdout.isatty() else 200)
app = typer.Typer(
    help="The local stack: Kafka (KRaft), PostgreSQL, Redis and the nginx gateway, on loopback.",
    no_args_is_help=True,
)

ComponentsArg = Annotated[
    list[str] | None, typer.Argument(help=f"Some of: {', '.join(ALL_COMPONENTS)} (default: all).", show_default=False)
]


def _stack() -> Stack:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return Stack(StackConfig.from_env(), report=lambda msg: console.print(f"[dim]{msg}[/dim]"))


def _fail(exc: StackError) -> typer.Exit:
    console.print(f"[bold red]error:[/bold red] {exc}")
    return typer.Exit(1)


@app.command()
def up(
    components: ComponentsArg = None,
    topics: Annotated[bool, typer.Option(help="Create/check the declared Kafka topics.")] = True,
) -> None:
    """Start what is not running yet and wait until everything answers (running it twice is harmless)."""
    stack = _stack()
    try:
        result = stack.up(components or ALL_COMPONENTS, declare_topics=topics)
    except StackError as exc:
        raise _fail(exc) from None
    table = Table(title="greenmarket stack")
    for column in ("component", "state", "address", "pid", "log"):
        table.add_column(column)
    for name, outcome in result.outcomes.items():
        component = stack.components[name]
        pid = stack.our_pid(name)
        table.add_row(name, outcome, component.address(), str(pid or "-"), str(component.log_file))
    console.print(table)
    info = result.info
    console.print(
        f"KAFKA_BOOTSTRAP_SERVERS={info.bootstrap_servers}\nGREENMARKET_PG_ADMIN_DSN={info.admin_dsn}\n"
        f"REDIS_URL={info.redis_url}\ngateway {info.gateway_url}\nstate {info.state_dir}"
    )


@app.command()
def down(components: ComponentsArg = None) -> None:
    """Stop what this state dir started; servers started elsewhere keep running."""
    from greenmarket.infra.stack.launcher import stop_leftover_processes
    from greenmarket.infra.stack.manager import other_users

    stack = _stack()
    if users := other_users(stack.lease_keys(components or ALL_COMPONENTS)):
        console.print(f"[yellow]note:[/yellow] the stack is in use by {'; '.join(users)}")
    try:
        if not components:
            stop_leftover_processes(stack.config, report=console.print)
        outcomes = stack.down(components or ALL_COMPONENTS)
    except StackError as exc:
        raise _fail(exc) from None
    for name, outcome in outcomes.items():
        console.print(f"{name}: {outcome}")


@app.command()
def status(as_json: Annotated[bool, typer.Option("--json", help="Machine-readable output.")] = False) -> None:
    """Show each component: running (ours), starting, external (someone else's), or stopped."""
    stack = _stack()
    rows = stack.status()
    processes = []
    for path in sorted((stack.config.run_dir / "services").glob("*.json")):
        record = PidRecord.read(path)
        if record and pid_alive(record.pid, record.marker):
            processes.append((path.stem, record))
    if as_json:
        payload = {
            "state_dir": str(stack.config.state_dir),
            "components": [
                {"name": r.name, "state": r.state, "address": r.address, "pid": r.pid, "log": str(r.log)} for r in rows
            ],
            "processes": [{"name": n, "pid": r.pid, "health_url": r.address, "log": r.log} for n, r in processes],
        }
        typer.echo(json.dumps(payload, indent=2))
        return
    colours = {"running": "green", "external": "cyan", "starting": "yellow", "stopped": "red"}
    table = Table(title=f"greenmarket stack ({stack.config.state_dir})")
    for column in ("component", "state", "address", "pid", "log"):
        table.add_column(column)
    for r in rows:
        table.add_row(r.name, f"[{colours[r.state]}]{r.state}[/]", r.address, str(r.pid or "-"), str(r.log))
    for name, record in processes:
        table.add_row(name, "[green]running[/]", record.address or "-", str(record.pid), record.log)
    console.print(table)


@app.command()
def logs(
    component: Annotated[str | None, typer.Argument(help="kafka, postgres, redis, nginx, or a process name.")] = None,
    lines: Annotated[int, typer.Option("-n", "--lines")] = 50,
    follow: Annotated[bool, typer.Option("-f", "--follow")] = False,
) -> None:
    """Show the end of a component's log file (all logs when no component is given)."""
    config = StackConfig.from_env()
    available = sorted(p.stem for p in config.log_dir.glob("*.log"))
    if component is None:
        files = [str(config.log_file(name)) for name in available]
    elif component in available:
        files = [str(config.log_file(component))]
    else:
        console.print(f"[red]no log for {component!r}[/red]; available: {', '.join(available) or '(none yet)'}")
        raise typer.Exit(1)
    if not files:
        console.print(f"no logs yet under {config.log_dir}")
        return
    tail = shutil.which("tail") or "tail"
    os.execv(tail, [tail, "-n", str(lines), *(["-F"] if follow else []), *files])


@app.command()
def prepare() -> None:
    """Install missing servers (apt-get) and fetch the Kafka jars, without starting anything."""
    stack = _stack()
    try:
        stack.prepare()
    except StackError as exc:
        raise _fail(exc) from None
    console.print(f"ready: Kafka jars in {stack.config.kafka_home / 'libs'}")


@app.command()
def reset(yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False) -> None:
    """Stop what this state dir started and delete all its data (Kafka topics, databases, media, logs)."""
    from greenmarket.infra.stack.launcher import stop_leftover_processes
    from greenmarket.infra.stack.postgres import Postgres

    stack = _stack()
    if not yes and not typer.confirm(f"Delete {stack.config.state_dir} and all local data?"):
        raise typer.Exit(1)
    try:
        stop_leftover_processes(stack.config, report=console.print)
        stack.down()
    except StackError as exc:
        raise _fail(exc) from None
    pg = stack.components["postgres"]
    assert isinstance(pg, Postgres)
    if not pg.uses_external and not pg.base_dir.is_relative_to(stack.config.state_dir):
        shutil.rmtree(pg.base_dir, ignore_errors=True)
    shutil.rmtree(stack.config.state_dir, ignore_errors=True)
    console.print(f"removed {stack.config.state_dir}")


def up_command(
    keep_stack: Annotated[
        bool, typer.Option("--keep-stack", help="Leave Kafka/PostgreSQL/Redis/nginx running after Ctrl-C.")
    ] = False,
    web: Annotated[bool, typer.Option(help="Build web/ when its sources changed.")] = True,
    health_timeout: Annotated[float, typer.Option(help="Seconds to wait for each process's health URL.")] = 90.0,
    only: Annotated[
        list[str] | None, typer.Option("--only", help="Start only this service (repeatable), e.g. --only user.")
    ] = None,
    demo: Annotated[bool, typer.Option(help="Add demo people and articles the first time (through the API).")] = True,
) -> None:
    """Start the stack and every service process, print the gateway URL; Ctrl-C stops what it started."""
    from greenmarket.infra.stack.launcher import run_up

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        code = run_up(keep_stack=keep_stack, health_timeout=health_timeout, build_web=web, only=only, demo=demo)
    except StackError as exc:
        raise _fail(exc) from None
    raise typer.Exit(code)
