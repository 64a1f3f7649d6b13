"""Bring the local stack up, report on it and take it down again.

Ports are machine-wide, so starting and stopping happen under one machine-wide lock: two
developers (or two pytest sessions) never start a second Kafka next to the first, they reuse it.
A component is "ours" when this state dir's pid file names a live process with our command line;
anything else answering on a configured address is "external": reused, never stopped.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

from greenmarket.infra.stack.component import Component
from greenmarket.infra.stack.config import StackConfig
from greenmarket.infra.stack.kafka import Kafka
from greenmarket.infra.stack.nginx import Nginx
from greenmarket.infra.stack.postgres import Postgres
from greenmarket.infra.stack.process import (
    PidRecord,
    StackError,
    pid_alive,
    stop_pid,
    tail,
    wait_until,
)
from greenmarket.infra.stack.redis import Redis

ALL_COMPONENTS = ("kafka", "postgres", "redis", "nginx")
BACKING_SERVICES = ("kafka", "postgres", "redis")  # what tests need; the gateway only on request

LOCK_TIMEOUT_S = 1200.0  # a first run may fetch jars and apt-get install while holding it
_SHARED_DIR = Path(tempfile.gettempdir()) / "greenmarket"


BIND_RETRIES = 3


class _DiedDuringStartup(Exception):
    def __init__(self, component: Component, log_tail: str) -> None:
        self.log_tail = log_tail
        super().__init__(f"{component.name} exited during start-up; last lines of {component.log_file}:\n{log_tail}")


@dataclass(frozen=True)
class StackInfo:
    """Where the running stack answers."""

    bootstrap_servers: str
    admin_dsn: str
    redis_url: str
    gateway_url: str
    state_dir: Path
    media_root: Path


@dataclass
class ComponentStatus:
    name: str
    state: str  # running | starting | external | stopped
    address: str
    pid: int | None = None
    log: Path | None = None


@dataclass
class UpResult:
    info: StackInfo
    outcomes: dict[str, str] = field(default_factory=dict)  # started | running | external

    @property
    def started(self) -> list[str]:
        return [name for name, outcome in self.outcomes.items() if outcome == "started"]


Reporter = Callable[[str], None]


def _silent(_: str) -> None:
    pass


class Stack:
    def __init__(self, config: StackConfig | None = None, report: Reporter = _silent) -> None:
        self.config = config or StackConfig.from_env()
        self.report = report
        self.components: dict[str, Component] = {
            c.name: c for c in (Kafka(self.config), Postgres(self.config), Redis(self.config), Nginx(self.config))
        }

    # Queries -----------------------------------------------------------------------------
    def info(self) -> StackInfo:
        c = self.components
        return StackInfo(
            bootstrap_servers=c["kafka"].address(),
            admin_dsn=c["postgres"].address(),
            redis_url=c["redis"].address(),
            gateway_url=c["nginx"].address(),
            state_dir=self.config.state_dir,
            media_root=self.config.media_root,
        )

    def lease_keys(self, names: Iterable[str]) -> set[str]:
        """What a lease names: a component at its address (another port is another instance)."""
        return {f"{name}@{self.components[name].address()}" for name in names}

    def our_pid(self, name: str) -> int | None:
        component = self.components[name]
        record = PidRecord.read(component.pid_file)
        if record and pid_alive(record.pid, component.marker):
            return record.pid
        return None

    def status(self) -> list[ComponentStatus]:
        result = []
        for name in ALL_COMPONENTS:
            component = self.components[name]
            pid = self.our_pid(name)
            answering = component.probe()
            if pid is not None:
                state = "running" if answering else "starting"
            else:
                state = "external" if answering else "stopped"
            result.append(ComponentStatus(name, state, component.address(), pid, component.log_file))
        return result

    # Commands ----------------------------------------------------------------------------
    def prepare(self, names: Iterable[str] = ALL_COMPONENTS) -> None:
        """Install binaries and fetch jars without starting anything (slow only the first time)."""
        for name in self._checked(names):
            self.report(f"preparing {name}")
            self.components[name].install()

    def up(self, names: Iterable[str] = ALL_COMPONENTS, *, declare_topics: bool = True) -> UpResult:
        """Start what is not running, wait until everything answers; harmless when all runs already."""
        names = self._checked(names)
        self.config.state_dir.mkdir(parents=True, exist_ok=True)
        result = UpResult(info=None)  # type: ignore[arg-type]
        launched: dict[str, int] = {}
        with machine_lock():
            try:
                for name in names:
                    result.outcomes[name] = self._start_one(name, launched)
                for name in names:
                    self._wait_healthy(name, launched)
                if declare_topics and "kafka" in names:
                    self.report("declaring Kafka topics")
                    self.components["kafka"].after_ready()
            except BaseException:
                for name in reversed(list(launched)):
                    self._stop_one(name)
                raise
        result.info = self.info()
        return result

    def down(self, names: Iterable[str] = ALL_COMPONENTS) -> dict[str, str]:
        """Stop the components this state dir started; anything else is left alone."""
        names = self._checked(names)
        outcomes: dict[str, str] = {}
        with machine_lock():
            for name in reversed(ALL_COMPONENTS):
                if name in names:
                    outcomes[name] = self._stop_one(name)
        return outcomes

    # Internals ---------------------------------------------------------------------------
    def _checked(self, names: Iterable[str]) -> list[str]:
        names = list(dict.fromkeys(names))
        unknown = [n for n in names if n not in self.components]
        if unknown:
            raise StackError(f"unknown component(s) {', '.join(unknown)}; known: {', '.join(ALL_COMPONENTS)}")
        return [n for n in ALL_COMPONENTS if n in names]

    def _start_one(self, name: str, launched: dict[str, int]) -> str:
        component = self.components[name]
        record = PidRecord.read(component.pid_file)
        if record and pid_alive(record.pid, component.marker):
            component.refresh(record.pid)
            return "running"
        component.pid_file.unlink(missing_ok=True)
        if getattr(component, "uses_external", False) or component.probe():
            return "external"
        if component.port_in_use():
            # maybe someone else's instance still starting: give it a moment before complaining
            with contextlib.suppress(StackError):
                wait_until(component.probe, timeout=10, what=name)
                return "external"
            raise StackError(
                f"{name}: its port is taken by a program that does not answer as {name} "
                f"(address {component.address()}). Stop that program or choose another port (see docs/local-stack.md)."
            )
        self.report(f"starting {name}")
        component.install()
        proc = component.launch()
        PidRecord(proc.pid, component.marker, component.address(), str(component.log_file), time.time()).write(
            component.pid_file
        )
        launched[name] = proc.pid
        return "started"

    def _wait_healthy(self, name: str, launched: dict[str, int]) -> None:
        component = self.components[name]
        for attempt in range(1, BIND_RETRIES + 1):
            pid = launched.get(name) or self.our_pid(name)
            try:
                self._wait_for(component, pid)
                return
            except _DiedDuringStartup as died:
                # Our loopback ports lie in Linux's ephemeral range: a client socket may hold one for
                # a moment. Try again then; any other start-up failure is final.
                this_run = died.log_tail.rsplit("\n--- ", 1)[-1]
                if name not in launched or attempt == BIND_RETRIES or "already in use" not in this_run:
                    raise StackError(str(died)) from None
                self.report(f"{name}: port briefly taken by another socket, starting again")
                time.sleep(1.0)
                proc = component.launch()
                PidRecord(proc.pid, component.marker, component.address(), str(component.log_file), time.time()).write(
                    component.pid_file
                )
                launched[name] = proc.pid

    def _wait_for(self, component: Component, pid: int | None) -> None:
        def died() -> str | None:
            if pid is None or pid_alive(pid):
                return None
            raise _DiedDuringStartup(component, tail(component.log_file))

        wait_until(
            component.probe,
            timeout=component.startup_timeout,
            what=f"{component.name} to answer at {component.address()} (log: {component.log_file})",
            interval=0.3,
            abort=died,
        )

    def _stop_one(self, name: str) -> str:
        component = self.components[name]
        record = PidRecord.read(component.pid_file)
        outcome = "not running"
        if record and pid_alive(record.pid, component.marker):
            self.report(f"stopping {name} (pid {record.pid})")
            killed = stop_pid(record.pid, first_signal=component.stop_signal, grace=component.stop_grace)
            outcome = "killed" if killed else "stopped"
        elif component.probe():
            outcome = "external, left running"
        component.pid_file.unlink(missing_ok=True)
        return outcome


@contextlib.contextmanager
def machine_lock(timeout: float = LOCK_TIMEOUT_S) -> Iterator[None]:
    """One stack operation at a time on this machine (the lock is released if its holder dies)."""
    _SHARED_DIR.mkdir(parents=True, exist_ok=True)
    path = _SHARED_DIR / "stack.lock"
    with open(path, "a+") as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise StackError(f"another stack start/stop has held {path} for over {timeout:.0f}s") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


# Leases: who else is using the stack right now ------------------------------------------------


class Lease:
    """This process uses some components of the running stack; others must not stop them under it."""

    def __init__(self, holder: str, components: Iterable[str]) -> None:
        self.holder = holder
        self.components = set(components)
        self.path = _SHARED_DIR / "leases" / str(os.getpid())

    def add(self, components: Iterable[str]) -> None:
        self.components |= set(components)
        self._write()

    def _write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        payload = {"holder": self.holder, "components": sorted(self.components)}
        self.path.write_text(json.dumps(payload), encoding="utf-8")

    def __enter__(self) -> Self:
        self._write()
        return self

    def __exit__(self, *exc: object) -> None:
        self.path.unlink(missing_ok=True)


def lease(holder: str, components: Iterable[str]) -> Lease:
    """`components` are `Stack.lease_keys(...)`."""
    return Lease(holder, components)


def other_users(components: Iterable[str]) -> list[str]:
    """Live processes other than this one holding a lease on any of `components` (`Stack.lease_keys`)."""
    wanted = set(components)
    leases = _SHARED_DIR / "leases"
    users = []
    for path in leases.glob("*") if leases.is_dir() else []:
        if not path.name.isdigit() or int(path.name) == os.getpid():
            continue
        if not pid_alive(int(path.name)):
            path.unlink(missing_ok=True)
            continue
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if wanted & set(payload.get("components", [])):
            users.append(f"{payload.get('holder', '?')} (pid {path.name})")
    return users
