"""The lag monitor: every poll it reads the broker, feeds each partition's window and evaluates it."""

from __future__ import annotations

import asyncio
import logging
import time

from greenmarket.infra.ops.broker import TP, BrokerReader, BrokerReading, GroupReading
from greenmarket.infra.ops.evaluation import PartitionWindow, Sample, Status, worst
from greenmarket.infra.ops.snapshot import GroupLag, LagSnapshot, PartitionLag

log = logging.getLogger(__name__)


class LagMonitor:
    """Keeps one in-memory window per (group, topic, partition); `latest` is the last evaluation.

    Memory: window_size samples × partitions watched, whatever the uptime. Windows of groups or
    partitions that disappear are dropped at the next cycle.
    """

    def __init__(self, reader: BrokerReader, *, window_size: int = 10, interval: float = 3.0) -> None:
        self.reader = reader
        self.window_size = window_size
        self.interval = interval
        self.windows: dict[tuple[str, str, int], PartitionWindow] = {}
        self.latest: LagSnapshot | None = None
        self.cycles = 0
        self.updated = asyncio.Event()

    async def run(self, stop: asyncio.Event) -> None:
        try:
            while not stop.is_set():
                try:
                    if not self.reader.started:
                        await self.reader.start()
                    await self.cycle()
                except Exception as exc:  # noqa: BLE001 - a broker outage must not end the monitor
                    log.warning("lag evaluation cycle failed: %r", exc)
                    self.publish(self.unreadable(exc))
                    await self.reader.close()  # reconnect on the next cycle
                try:
                    await asyncio.wait_for(stop.wait(), self.interval)
                except TimeoutError:
                    pass
        finally:
            await self.reader.close()

    async def cycle(self) -> LagSnapshot:
        reading = await self.reader.read()
        wanted = {
            (topic, partition, committed)
            for group in reading.groups
            for (topic, partition), committed in group.committed.items()
            if committed < reading.ends.get((topic, partition), 0)
        }
        timestamps = await self.reader.record_timestamps(wanted)
        snapshot = self.evaluate(reading, timestamps, now=time.monotonic(), wall_clock=time.time())
        self.publish(snapshot)
        return snapshot

    def publish(self, snapshot: LagSnapshot) -> None:
        self.latest = snapshot
        self.cycles += 1
        self.updated.set()
        self.updated = asyncio.Event()

    def unreadable(self, error: BaseException) -> LagSnapshot:
        """When the broker cannot be read, every group we knew is ERR: stale numbers would look healthy."""
        known = self.latest.groups if self.latest else []
        detail = f"broker unreadable: {type(error).__name__}: {error}"[:300]
        return LagSnapshot(
            time.time(),
            [GroupLag(g.group, "Unknown", Status.ERR, g.members, g.partitions, detail) for g in known],
            error=detail,
        )

    def evaluate(
        self,
        reading: BrokerReading,
        timestamps: dict[tuple[str, int, int], int | None],
        *,
        now: float,
        wall_clock: float,
    ) -> LagSnapshot:
        """Pure given its inputs: add one sample per partition and evaluate every window."""
        seen: set[tuple[str, str, int]] = set()
        groups = []
        for group in reading.groups:
            groups.append(self._evaluate_group(group, reading, timestamps, now, wall_clock, seen))
        for key in set(self.windows) - seen:
            del self.windows[key]
        return LagSnapshot(wall_clock, groups)

    def _evaluate_group(self, group: GroupReading, reading, timestamps, now, wall_clock, seen) -> GroupLag:
        if group.error is not None:
            return GroupLag(group.group, group.state, Status.ERR, group.members, [], group.error)
        partitions = []
        for tp in sorted(group.committed):
            partitions.append(self._evaluate_partition(group, tp, reading, timestamps, now, wall_clock))
            seen.add((group.group, *tp))
        status = worst(p.status for p in partitions)
        return GroupLag(group.group, group.state, status, group.members, partitions)

    def _evaluate_partition(self, group: GroupReading, tp: TP, reading, timestamps, now, wall_clock) -> PartitionLag:
        topic, partition = tp
        committed = group.committed[tp]
        end = reading.ends.get(tp, committed)
        sample = Sample(now, committed, end, reading.starts.get(tp, 0))
        window = self.windows.get((group.group, topic, partition))
        if window is None:
            window = self.windows[(group.group, topic, partition)] = PartitionWindow(self.window_size)
        window.add(sample)
        owner = group.owners.get(tp)
        # Ownership is only known for groups that use the standard consumer protocol.
        owned = True if owner else (False if group.members == 0 or group.owners else None)
        status = window.evaluate(owned=owned, now=now)
        return PartitionLag(
            topic=topic,
            partition=partition,
            committed=committed,
            end=end,
            lag=sample.lag,
            lag_seconds=lag_seconds(sample.lag, timestamps.get((topic, partition, committed)), wall_clock),
            status=status,
            owner=owner,
        )


def lag_seconds(lag: int, oldest_unconsumed_ms: int | None, wall_clock: float) -> float:
    """How long the oldest record the group has not consumed has been waiting (0 when caught up).

    The age is measured against the wall clock rather than the newest record's timestamp, so it
    keeps growing while producers are quiet and the consumer is stopped: that is what hurts users.
    """
    if lag <= 0 or oldest_unconsumed_ms is None:
        return 0.0
    return max(0.0, round(wall_clock - oldest_unconsumed_ms / 1000, 3))
