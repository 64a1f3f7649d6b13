"""Lag evaluation cost and memory: one cycle for 50 groups × 12 partitions, and a day of windows.

A simulated run (no broker): every cycle the simulated cluster moves on (healthy consumers keep
up, slow ones fall behind, stopped ones stand still, one group is rewound now and then), the
monitor adds one sample per partition and evaluates every window with Burrow's rules. The same
run also times a naive threshold check (lag > N → WARN) on the same readings, as the baseline.

Memory: tracemalloc of the monitor's windows after `window` cycles and again after the whole run.
A day at a 3 s interval is 28,800 cycles; by default the run simulates a day at a 60 s interval
(1,440 cycles, under 10 s of CPU) — the windows are bounded deques, so memory is the same once
they are full; `--interval 3` simulates all 28,800 cycles (several minutes: not for the shared machines).

    uv run python -m bench lag_evaluation [--groups 50] [--partitions 12] [--window 10] [--interval 30]
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import random
import statistics
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

from rich.console import Console
from rich.table import Table

from greenmarket.infra.ops.broker import BrokerReading, GroupReading
from greenmarket.infra.ops.evaluation import Status, worst
from greenmarket.infra.ops.monitor import LagMonitor

DAY_SECONDS = 24 * 3600
RESULTS = Path(__file__).parent / "results"


class SimulatedCluster:
    """Groups whose consumers behave in different ways, advanced one poll interval at a time."""

    BEHAVIOURS = ("healthy", "healthy", "healthy", "slow", "stopped", "bursty")

    def __init__(self, groups: int, partitions: int, seed: int = 7) -> None:
        self.random = random.Random(seed)
        self.groups = [f"svc{g}-consumer" for g in range(groups)]
        self.behaviour = {g: self.BEHAVIOURS[i % len(self.BEHAVIOURS)] for i, g in enumerate(self.groups)}
        self.partitions = partitions
        self.ends = {(g, p): 1000 for g in self.groups for p in range(partitions)}
        self.committed = dict(self.ends)

    def step(self, cycle: int) -> BrokerReading:
        r = self.random
        for (group, p), end in self.ends.items():
            produced = r.randint(0, 20)
            self.ends[(group, p)] = end + produced
            behaviour = self.behaviour[group]
            if behaviour == "healthy":
                self.committed[(group, p)] = self.ends[(group, p)] - r.randint(0, 3)
            elif behaviour == "slow":
                self.committed[(group, p)] += produced // 2
            elif behaviour == "bursty" and cycle % 7 == 0:
                self.committed[(group, p)] = self.ends[(group, p)]
            if behaviour == "bursty" and cycle % 500 == 250:
                self.committed[(group, p)] = max(0, self.committed[(group, p)] - 100)  # an offset reset
        readings = []
        for group in self.groups:
            stopped = self.behaviour[group] == "stopped"
            reading = GroupReading(group, "Empty" if stopped else "Stable", 0 if stopped else 1)
            for p in range(self.partitions):
                tp = (f"{group}.topic", p)
                reading.committed[tp] = self.committed[(group, p)]
                if not stopped:
                    reading.owners[tp] = "worker-1@127.0.0.1"
            readings.append(reading)
        ends = {(f"{g}.topic", p): e for (g, p), e in self.ends.items()}
        return BrokerReading(readings, ends, {tp: 0 for tp in ends})


def naive_threshold(reading: BrokerReading, threshold: int = 100) -> dict[str, Status]:
    """The baseline: a fixed lag threshold per partition, no window."""
    statuses = {}
    for group in reading.groups:
        statuses[group.group] = worst(
            Status.WARN if reading.ends[tp] - committed > threshold else Status.OK
            for tp, committed in group.committed.items()
        )
    return statuses


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def windows_bytes(monitor: LagMonitor) -> int:
    """Bytes allocated for the monitor's windows, measured by rebuilding them under tracemalloc."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    copy = {key: _copy_window(w) for key, w in monitor.windows.items()}
    after = tracemalloc.take_snapshot()
    tracemalloc.stop()
    size = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
    del copy
    return size


def _copy_window(window):
    from greenmarket.infra.ops.evaluation import PartitionWindow, Sample

    clone = PartitionWindow(window.size)
    for s in window.samples:
        clone.samples.append(Sample(s.at, s.committed, s.end, s.start))
    clone.last_change_at = window.last_change_at
    return clone


def run(groups: int, partitions: int, window: int, interval: float, timed_cycles: int) -> dict:
    cluster = SimulatedCluster(groups, partitions)
    monitor = LagMonitor(reader=None, window_size=window, interval=interval)  # type: ignore[arg-type]
    cycles = int(DAY_SECONDS / interval)
    burrow_ms: list[float] = []
    naive_ms: list[float] = []
    memory_full_window = 0
    status_counts: dict[str, int] = {}
    wall = time.time()
    run_started = time.perf_counter()
    for cycle in range(cycles):
        reading = cluster.step(cycle)
        now = cycle * interval
        timed = cycle >= window and (cycle - window) < timed_cycles
        started = time.perf_counter()
        snapshot = monitor.evaluate(reading, {}, now=now, wall_clock=wall + now)
        elapsed = (time.perf_counter() - started) * 1000
        if timed:
            burrow_ms.append(elapsed)
            started = time.perf_counter()
            naive_threshold(reading)
            naive_ms.append((time.perf_counter() - started) * 1000)
        if cycle == window:
            memory_full_window = windows_bytes(monitor)
        for g in snapshot.groups:
            status_counts[g.status.value] = status_counts.get(g.status.value, 0) + 1
    run_seconds = time.perf_counter() - run_started
    memory_day = windows_bytes(monitor)
    return {
        "groups": groups,
        "partitionsPerGroup": partitions,
        "windowSize": window,
        "intervalSeconds": interval,
        "simulatedCycles": cycles,
        "simulatedHours": cycles * interval / 3600,
        "runSeconds": round(run_seconds, 2),
        "burrowCycleMs": {"p50": percentile(burrow_ms, 0.5), "p99": percentile(burrow_ms, 0.99), "n": len(burrow_ms)},
        "naiveCycleMs": {"p50": percentile(naive_ms, 0.5), "p99": percentile(naive_ms, 0.99), "n": len(naive_ms)},
        "burrowMeanMs": statistics.fmean(burrow_ms),
        "windowsBytesAfterOneWindow": memory_full_window,
        "windowsBytesAfterDay": memory_day,
        "naiveBytes": 0,
        "groupStatusCounts": status_counts,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--groups", type=int, default=50)
    parser.add_argument("--partitions", type=int, default=12)
    parser.add_argument("--window", type=int, default=10)
    parser.add_argument("--interval", type=float, default=60.0, help="simulated seconds between polls")
    parser.add_argument("--timed-cycles", type=int, default=300)
    args = parser.parse_args()

    result = run(args.groups, args.partitions, args.window, args.interval, args.timed_cycles)
    result["python"] = platform.python_version()
    result["at"] = datetime.now(UTC).isoformat(timespec="seconds")

    table = Table(title=f"Lag evaluation: {args.groups} groups × {args.partitions} partitions, window {args.window}")
    for column in ("", "p50 ms / cycle", "p99 ms / cycle", "memory after 1 window", "memory after the day"):
        table.add_column(column, justify="right")
    b, n = result["burrowCycleMs"], result["naiveCycleMs"]
    table.add_row(
        "Burrow windows",
        f"{b['p50']:.2f}",
        f"{b['p99']:.2f}",
        f"{result['windowsBytesAfterOneWindow'] / 1024:.0f} KiB",
        f"{result['windowsBytesAfterDay'] / 1024:.0f} KiB",
    )
    table.add_row("naive threshold", f"{n['p50']:.2f}", f"{n['p99']:.2f}", "0 KiB", "0 KiB")
    table.caption = (
        f"{result['simulatedCycles']} cycles = {result['simulatedHours']:.0f} simulated hours in {result['runSeconds']} s; "
        f"group statuses seen: {result['groupStatusCounts']}"
    )
    Console().print(table)

    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / "lag_evaluation.json"
    out.write_text(json.dumps(result, indent=2))
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
