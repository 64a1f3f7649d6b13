"""Reading consumer groups from the broker: groups, members, committed and end offsets, timestamps.

This is the only module of the lag monitor that talks to Kafka.
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.coordinator.protocol import ConsumerProtocolMemberAssignment
from aiokafka.errors import KafkaError

from greenmarket.infra.messaging.clients import start_admin, start_consumer

log = logging.getLogger(__name__)

TP = tuple[str, int]


@dataclass
class GroupReading:
    group: str
    state: str = "Unknown"
    members: int = 0
    owners: dict[TP, str] = field(default_factory=dict)  # partition -> "client-id@host"
    committed: dict[TP, int] = field(default_factory=dict)
    error: str | None = None


@dataclass
class BrokerReading:
    groups: list[GroupReading]
    ends: dict[TP, int]
    starts: dict[TP, int]


class BrokerReader:
    """Owns one admin client and one group-less consumer (for offsets and record timestamps)."""

    def __init__(self, bootstrap_servers: str, *, group_filter: str = "") -> None:
        self.bootstrap_servers = bootstrap_servers
        self.group_filter = group_filter  # only groups whose name starts with this (tests use their prefix)
        self._admin = None
        self._consumer: AIOKafkaConsumer | None = None
        self._timestamps: dict[tuple[str, int, int], int | None] = {}

    @property
    def started(self) -> bool:
        return self._admin is not None

    async def start(self) -> None:
        # A short request timeout: a topic deleted mid-cycle must cost seconds, not the 40 s default.
        consumer = await start_consumer(
            self.bootstrap_servers, group_id=None, max_partition_fetch_bytes=65536, request_timeout_ms=5000
        )
        try:
            self._admin = await start_admin(self.bootstrap_servers)
        except BaseException:
            await consumer.stop()
            raise
        self._consumer = consumer

    async def close(self) -> None:
        consumer, admin = self._consumer, self._admin
        self._admin = self._consumer = None
        self._timestamps.clear()
        if consumer is not None:
            await consumer.stop()
        if admin is not None:
            await admin.close()

    async def read(self) -> BrokerReading:
        assert self._admin is not None and self._consumer is not None, "start() first"
        listed = await self._admin.list_consumer_groups()
        names = sorted(
            {entry[0] for entry in listed if entry[0].startswith(self.group_filter) and not _is_tool_group(entry[0])}
        )
        groups = await asyncio.gather(*(self._read_group(name) for name in names))
        # Offsets can outlive a deleted topic for a moment; asking for its end offset would fail the cycle.
        existing = set(await self._admin.list_topics())
        for group in groups:
            group.committed = {tp: offset for tp, offset in group.committed.items() if tp[0] in existing}
        partitions = sorted({tp for g in groups for tp in g.committed})
        ends: dict[TP, int] = {}
        starts: dict[TP, int] = {}
        if partitions:
            try:
                ends, starts = await self._log_bounds(partitions)
            except KafkaError:
                # A topic vanished between listing and asking: ask again for what still exists.
                existing = set(await self._admin.list_topics())
                for group in groups:
                    group.committed = {tp: off for tp, off in group.committed.items() if tp[0] in existing}
                ends, starts = await self._log_bounds([tp for tp in partitions if tp[0] in existing])
        return BrokerReading(list(groups), ends, starts)

    async def _log_bounds(self, partitions: list[TP]) -> tuple[dict[TP, int], dict[TP, int]]:
        if not partitions:
            return {}, {}
        tps = [TopicPartition(*tp) for tp in partitions]
        ends = {(tp.topic, tp.partition): off for tp, off in (await self._consumer.end_offsets(tps)).items()}
        starts = {(tp.topic, tp.partition): off for tp, off in (await self._consumer.beginning_offsets(tps)).items()}
        return ends, starts

    async def _read_group(self, name: str) -> GroupReading:
        reading = GroupReading(name)
        try:
            for response in await self._admin.describe_consumer_groups([name]):
                for described in response.groups:
                    _fill_description(reading, described)
            offsets = await self._admin.list_consumer_group_offsets(name)
            reading.committed = {
                (tp.topic, tp.partition): meta.offset for tp, meta in offsets.items() if meta.offset >= 0
            }
        except Exception as exc:  # noqa: BLE001 - one unreadable group is shown as ERR, not a failed cycle
            log.warning("cannot read consumer group %s: %r", name, exc)
            reading.error = f"{type(exc).__name__}: {exc}"[:300]
        return reading

    async def record_timestamps(
        self, wanted: set[tuple[str, int, int]], timeout: float = 2.0
    ) -> dict[tuple[str, int, int], int | None]:
        """Timestamp (ms) of the record at each (topic, partition, offset); cached, since records never change.

        The record at an offset may be gone (retention) or be a transaction marker: then the first
        record after it stands in, which is what the consumer will read next anyway.
        """
        assert self._consumer is not None
        # Only what this cycle asks for stays cached: the cache cannot grow beyond one entry per partition.
        self._timestamps = {key: ts for key, ts in self._timestamps.items() if key in wanted}
        missing = {key for key in wanted if key not in self._timestamps}
        if missing:
            self._timestamps.update(await self._fetch_timestamps(missing, timeout))
        return {key: self._timestamps.get(key) for key in wanted}

    async def _fetch_timestamps(
        self, keys: set[tuple[str, int, int]], timeout: float
    ) -> dict[tuple[str, int, int], int]:
        consumer = self._consumer
        by_tp = {TopicPartition(topic, partition): offset for topic, partition, offset in keys}
        consumer.assign(list(by_tp))
        for tp, offset in by_tp.items():
            consumer.seek(tp, offset)
        found: dict[tuple[str, int, int], int] = {}
        deadline = time.monotonic() + timeout
        pending = set(by_tp)
        while pending and time.monotonic() < deadline:
            batches = await consumer.getmany(*pending, timeout_ms=200)
            for tp, records in batches.items():
                if records and tp in pending:
                    found[(tp.topic, tp.partition, by_tp[tp])] = records[0].timestamp
                    pending.discard(tp)
                    consumer.pause(tp)
        consumer.assign([])
        return found


def _is_tool_group(name: str) -> bool:
    # The DLQ redrive bookkeeping group is ours, not a consumer worth watching.
    return name.endswith("greenmarket-dlq-redrive")


def _fill_description(reading: GroupReading, described) -> None:
    # DescribeGroupsResponse: (error_code, group, state, protocol_type, protocol, members, ...)
    error_code, _, state, protocol_type, _, members = described[:6]
    reading.state = state or "Unknown"
    reading.members = len(members)
    for member in members:
        # v0-v3: (member_id, client_id, client_host, metadata, assignment); v4+ adds group_instance_id.
        client_id, client_host, assignment = member[-4], member[-3], member[-1]
        if protocol_type != "consumer" or not assignment:
            continue
        try:
            decoded = ConsumerProtocolMemberAssignment.decode(assignment)
        except Exception:  # noqa: BLE001 - a foreign assignor's format; we only lose the owner column
            continue
        for topic, partitions in decoded.assignment:
            for partition in partitions:
                reading.owners[(topic, partition)] = f"{client_id}@{client_host.lstrip('/')}"
