"""`greenmarket up`: the stack, then every service process registered in `greenmarket.services`."""

from __future__ import annotations

import asyncio
import inspect
import os
import signal
import subprocess
import sys
import time
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType

import httpx
from rich.console import Console
from rich.table import Table

from greenmarket.infra.stack.config import StackConfig
from greenmarket.infra.stack.manager import ALL_COMPONENTS, Stack, lease, other_users
from greenmarket.infra.stack.process import (
    PidRecord,
    StackError,
    pid_alive,
    start_detached,
    stop_pid,
    tail,
)
from greenmarket.infra.stack.services import (
    ProcessSpec,
    ServiceContext,
    database_name,
    ensure_database,
)
from greenmarket.infra.stack.web import build_web_if_changed

SERVICES_GROUP = "greenmarket.services"
STOP_GRACE_S = 10.0


class _Stop(Exception):
    """SIGTERM (or SIGINT) asked `up` to stop."""


def discover_services(only: list[str] | None = None) -> list[ModuleType]:
    """Load the launcher modules registered in `greenmarket.services` (only the named ones, if given).

    The entry point's name is the service's name, so `--only user` never imports another launcher.
    """
    registered = {}
    for ep in sorted(entry_points(group=SERVICES_GROUP), key=lambda e: e.name):
        registered.setdefault(ep.name, ep)
    if only:
        unknown = sorted(set(only) - set(registered))
        if unknown:
            known = ", ".join(registered) or "none"
            raise StackError(f"no service launcher named {', '.join(unknown)}; registered: {known}")
        registered = {name: ep for name, ep in registered.items() if name in only}
    modules = []
    for ep in registered.values():
        try:
            module = ep.load()
        except Exception as exc:
            raise StackError(
                f"service launcher {ep.name!r} ({ep.value}) failed to import: {type(exc).__name__}: {exc}"
            ) from exc
        missing = [attr for attr in ("SERVICE_NAME", "prepare", "processes") if not hasattr(module, attr)]
        if missing:
            raise StackError(f"service launcher {ep.value} lacks {', '.join(missing)}")
        modules.append(module)
    return modules


def service_context(stack: Stack) -> ServiceContext:
    info = stack.info()
    return ServiceContext(
        repo_root=stack.config.repo_root,
        state_dir=stack.config.state_dir,
        kafka_bootstrap_servers=info.bootstrap_servers,
        redis_url=info.redis_url,
        admin_dsn=info.admin_dsn,
        media_root=stack.config.media_root,
        gateway_url=info.gateway_url,
        jwks_url=stack.config.jwks_url,
    )


def call_prepare(module: ModuleType, ctx: ServiceContext) -> None:
    result = module.prepare(ctx)
    if inspect.isawaitable(result):
        asyncio.run(_await(result))


async def _await(awaitable):  # type: ignore[no-untyped-def]
    return await awaitable


def _marker(argv: list[str]) -> str:
    return " ".join(argv[1:]) if len(argv) > 1 else Path(argv[0]).name


class Supervisor:
    """Starts the service processes, waits for their health, and stops them all on the way out."""

    def __init__(self, config: StackConfig, console: Console) -> None:
        self.config = config
        self.console = console
        self.records_dir = config.run_dir / "services"
        self.running: dict[str, tuple[ProcessSpec, subprocess.Popen[bytes]]] = {}

    def start(self, spec: ProcessSpec) -> None:
        env = {**os.environ, **spec.env}
        log_path = self.config.log_file(spec.name)
        proc = start_detached(spec.argv, log_path, env=env, cwd=self.config.repo_root, die_with_parent=True)
        self.running[spec.name] = (spec, proc)
        PidRecord(proc.pid, _marker(spec.argv), spec.health_url or "", str(log_path), time.time()).write(
            self.records_dir / f"{spec.name}.json"
        )

    def dead(self) -> tuple[ProcessSpec, int] | None:
        for spec, proc in self.running.values():
            if (code := proc.poll()) is not None:
                return spec, code
        return None

    def death_message(self, spec: ProcessSpec, code: int) -> str:
        log_path = self.config.log_file(spec.name)
        return f"{spec.name} exited with code {code}; last lines of {log_path}:\n{tail(log_path)}"

    def wait_healthy(self, timeout: float) -> None:
        pending = {name: spec.health_url for name, (spec, _) in self.running.items() if spec.health_url}
        deadline = time.monotonic() + timeout
        with httpx.Client(timeout=2.0) as client:
            while pending:
                if died := self.dead():
                    raise StackError(self.death_message(*died))
                for name, url in list(pending.items()):
                    try:
                        if client.get(url).status_code == 200:
                            del pending[name]
                    except httpx.HTTPError:
                        pass
                if pending and time.monotonic() > deadline:
                    details = ", ".join(f"{n} ({u}; log {self.config.log_file(n)})" for n, u in pending.items())
                    raise StackError(f"timed out after {timeout:.0f}s waiting for health of: {details}")
                time.sleep(0.3)

    def stop_all(self) -> None:
        for name, (_, proc) in reversed(list(self.running.items())):
            if proc.poll() is None:
                self.console.print(f"stopping {name} (pid {proc.pid})")
                with _signals_ignored():
                    stop_pid(proc.pid, grace=STOP_GRACE_S)
            proc.poll()  # reap
            (self.records_dir / f"{name}.json").unlink(missing_ok=True)
        self.running.clear()


def stop_leftover_processes(config: StackConfig, report=print) -> None:  # type: ignore[no-untyped-def]
    """Stop service processes a previous `greenmarket up` started and could not stop (it was killed)."""
    for path in sorted((config.run_dir / "services").glob("*.json")):
        record = PidRecord.read(path)
        if record and pid_alive(record.pid, record.marker):
            report(f"stopping leftover {path.stem} (pid {record.pid})")
            stop_pid(record.pid, grace=STOP_GRACE_S)
        path.unlink(missing_ok=True)


class _signals_ignored:
    def __enter__(self) -> None:
        self.saved = {s: signal.signal(s, signal.SIG_IGN) for s in (signal.SIGINT, signal.SIGTERM)}

    def __exit__(self, *exc: object) -> None:
        for sig, handler in self.saved.items():
            signal.signal(sig, handler)


def _raise_stop(signum: int, _frame: object) -> None:
    raise _Stop(signal.Signals(signum).name)


def run_up(
    *,
    keep_stack: bool = False,
    health_timeout: float = 90.0,
    build_web: bool = True,
    only: list[str] | None = None,
    demo: bool = True,
) -> int:
    console = Console(highlight=False, width=None if sys.stdout.isatty() else 200)
    config = StackConfig.from_env()
    stack = Stack(config, report=lambda msg: console.print(f"[dim]{msg}[/dim]"))
    up_record = config.run_dir / "up.json"
    previous = PidRecord.read(up_record)
    if previous and previous.pid != os.getpid() and pid_alive(previous.pid, "greenmarket"):
        raise StackError(f"`greenmarket up` already runs for {config.state_dir} (pid {previous.pid}); stop it first")
    signal.signal(signal.SIGTERM, _raise_stop)
    supervisor = Supervisor(config, console)
    started_stack: list[str] = []
    exit_code = 0
    with lease("greenmarket up", stack.lease_keys(ALL_COMPONENTS)):
        PidRecord(os.getpid(), "greenmarket", config.gateway_url, "", time.time()).write(up_record)
        try:
            stop_leftover_processes(config, report=console.print)
            result = stack.up()
            started_stack = result.started
            ctx = service_context(stack)
            modules = discover_services(only)
            if build_web:
                outcome = build_web_if_changed(config)
                if outcome == "built":
                    console.print("built the web app into web/dist")
            specs: list[ProcessSpec] = []
            for module in modules:
                service = module.SERVICE_NAME
                console.print(f"[dim]preparing {service}[/dim]")
                ensure_database(ctx.admin_dsn, database_name(service))
                call_prepare(module, ctx)
                specs.extend(module.processes(ctx))
            duplicates = {s.name for s in specs if sum(o.name == s.name for o in specs) > 1}
            if duplicates:
                raise StackError(f"process names must be unique; repeated: {', '.join(sorted(duplicates))}")
            for spec in specs:
                supervisor.start(spec)
            supervisor.wait_healthy(health_timeout)
            if demo and not only:
                seed_demo_once(console, config, ctx)
            _print_running(console, stack, supervisor, modules)
            while True:
                if died := supervisor.dead():
                    raise StackError(supervisor.death_message(*died))
                time.sleep(0.5)
        except (KeyboardInterrupt, _Stop):
            console.print("\nstopping…")
        except StackError as exc:
            console.print(f"[bold red]greenmarket up failed:[/bold red] {exc}")
            exit_code = 1
        finally:
            with _signals_ignored():
                supervisor.stop_all()
                _stop_stack(console, stack, started_stack, keep_stack)
                up_record.unlink(missing_ok=True)
    return exit_code


def seed_demo_once(console: Console, config: StackConfig, ctx: ServiceContext) -> None:
    """Demo people and articles, the first time this state dir runs the whole system."""
    from greenmarket.infra.stack.demo import DEMO_PASSWORD, OPERATOR_EMAIL, seed

    marker = config.state_dir / "demo-seeded"
    if marker.exists():
        return
    console.print("[dim]adding demo data through the gateway[/dim]")
    try:
        result = seed(config.gateway_url, ctx.base_env("user"))
    except Exception as exc:  # noqa: BLE001 - demo data is a convenience: the system still runs
        console.print(f"[yellow]demo data not added ({exc!r}); the next `greenmarket up` tries again[/yellow]")
        return
    marker.write_text(f"{result.people} people, {result.articles} articles\n")
    console.print(
        f"demo data: {result.people} people, {result.articles} articles; operator {OPERATOR_EMAIL} / {DEMO_PASSWORD}"
    )


def _stop_stack(console: Console, stack: Stack, started: list[str], keep_stack: bool) -> None:
    if not started:
        return
    if keep_stack:
        console.print(f"leaving {', '.join(started)} running (--keep-stack); `greenmarket stack down` stops them")
        return
    if users := other_users(stack.lease_keys(started)):
        console.print(f"leaving {', '.join(started)} running: also used by {'; '.join(users)}")
        return
    stack.down(started)


def _print_running(console: Console, stack: Stack, supervisor: Supervisor, modules: list[ModuleType]) -> None:
    table = Table(title="greenmarket up", show_lines=False)
    for column in ("what", "state", "pid", "where", "log"):
        table.add_column(column)
    for status in stack.status():
        log = str(status.log) if status.pid else "-"
        table.add_row(status.name, status.state, str(status.pid or "-"), status.address, log)
    for name, (spec, proc) in supervisor.running.items():
        table.add_row(name, "running", str(proc.pid), spec.health_url or "-", str(stack.config.log_file(name)))
    console.print(table)
    if not modules:
        console.print("no service launchers registered yet (entry-point group greenmarket.services)")
    console.print(f"\n[bold green]Greenmarket is up:[/bold green] {stack.config.gateway_url}   (Ctrl-C stops it)")
    sys.stdout.flush()
