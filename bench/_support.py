"""What the benchmarks share: a running stack, a throwaway database, percentiles, a result table."""

from __future__ import annotations

import json
import platform
import socket
import statistics
import subprocess
import uuid
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from greenmarket.infra.stack.manager import BACKING_SERVICES, Stack
from greenmarket.infra.stack.postgres import create_database_async, drop_database_async

RESULTS = Path(__file__).parent / "results"


def running_stack():
    """Kafka, PostgreSQL and Redis: reused if running, started otherwise (left running)."""
    return Stack().up(BACKING_SERVICES).info


@asynccontextmanager
async def scratch_database(admin_dsn: str, label: str):
    name = f"bench_{label}_{uuid.uuid4().hex[:8]}"
    url = await create_database_async(admin_dsn, name)
    try:
        yield url
    finally:
        await drop_database_async(admin_dsn, name)


def percentile(samples: list[float], q: float) -> float:
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary_ms(samples_s: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in samples_s]
    return {
        "count": len(ms),
        "p50_ms": round(percentile(ms, 50), 2),
        "p99_ms": round(percentile(ms, 99), 2),
        "mean_ms": round(statistics.fmean(ms), 2) if ms else float("nan"),
    }


def report(name: str, title: str, columns: list[str], rows: list[list], data: dict) -> Path:
    table = Table(*columns, title=title)
    for row in rows:
        table.add_row(*[str(cell) for cell in row])
    Console().print(table)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{name}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%SZ')}.json"
    document = {"benchmark": name, "at": datetime.now(UTC).isoformat(), "machine": platform.platform(), **data}
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False))
    Console().print(f"results: {path}")
    return path


def free_port() -> int:
    """A loopback port nobody listens on right now (for the processes a benchmark starts)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def stop(processes: list[subprocess.Popen], grace: float = 20.0) -> None:
    """SIGTERM every process, then SIGKILL what has not exited after `grace` seconds."""
    for process in processes:
        process.terminate()
    for process in processes:
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
