"""Operator tools for dead-letter topics: list, show, redrive, purge every `<topic>.dlq`.

Redrive sends each record back to its original topic (header `dlq.original.topic`) with the
`dlq.*` headers removed, and commits how far it got as the offset of the consumer group
`<prefix>greenmarket-dlq-redrive`, so a second redrive starts after the last record sent.

Why redrive also touches a database: when the consumer gave up on a record it also claimed the
record's `(consumer, eventId)` in `processed_events` (so the poison record is skipped on replay).
The redriven copy would then be skipped as a duplicate. Redrive therefore releases that claim, in
whichever of the given service databases holds it, before sending the record. It does so only for
records never redriven before (at or after the group's committed offset): a record redriven and
applied once keeps its claim, so a redrive repeated on purpose (`--offset`) cannot apply it twice.
A crash between sending and committing redrives the last batch again; the claim taken by the
first copy turns the second into a duplicate.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass, field

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import RecordsToDelete
from sqlalchemy import text

from greenmarket.infra.db import create_engine
from greenmarket.infra.messaging.clients import start_admin, start_consumer, start_producer
from greenmarket.infra.messaging.codec import header
from greenmarket.infra.messaging.dead_letters import DLQ_HEADER_PREFIX

DLQ_SUFFIX = ".dlq"
REDRIVE_GROUP = "greenmarket-dlq-redrive"
READ_TIMEOUT_SECONDS = 30.0

RELEASE_CLAIM_SQL = text(
    "DELETE FROM processed_events WHERE consumer = :consumer AND event_id = CAST(:event_id AS uuid)"
)


class UnknownDlq(LookupError):
    pass


@dataclass(frozen=True)
class DlqRecord:
    topic: str
    partition: int
    offset: int
    timestamp_ms: int
    key: str | None
    event_id: str | None
    event_type: str | None
    error: dict[str, str]  # the dlq.* headers without the prefix: error.type, error.message, consumer, ...

    @property
    def original_topic(self) -> str:
        return self.error.get("original.topic") or self.topic.removesuffix(DLQ_SUFFIX)


@dataclass
class DlqSummary:
    topic: str
    original_topic: str
    records: int  # records currently held (end - start over its partitions)
    pending: int  # of those, not yet redriven
    newest: list[DlqRecord] = field(default_factory=list)


@dataclass
class RedriveResult:
    topic: str
    redriven: int
    claims_released: int
    next_offsets: dict[int, int]


def redrive_group(prefix: str = "") -> str:
    return f"{prefix}{REDRIVE_GROUP}"


def resolve_dlq(name: str, prefix: str = "") -> str:
    """`product.events`, `product.events.dlq` or the prefixed name all mean the same DLQ."""
    name = name if name.endswith(DLQ_SUFFIX) else name + DLQ_SUFFIX
    return name if name.startswith(prefix) else prefix + name


def to_record(raw) -> DlqRecord:
    headers = list(raw.headers or ())
    error = {
        key.removeprefix(DLQ_HEADER_PREFIX): value.decode(errors="replace")
        for key, value in headers
        if key.startswith(DLQ_HEADER_PREFIX)
    }
    return DlqRecord(
        topic=raw.topic,
        partition=raw.partition,
        offset=raw.offset,
        timestamp_ms=raw.timestamp,
        key=raw.key.decode(errors="replace") if raw.key is not None else None,
        event_id=header(headers, "eventId"),
        event_type=header(headers, "type"),
        error=error,
    )


class DlqTools:
    def __init__(self, bootstrap_servers: str, *, prefix: str = "", database_urls: list[str] | None = None) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.prefix = prefix
        self.database_urls = list(database_urls or [])

    async def dlq_topics(self) -> list[str]:
        admin = await start_admin(self.bootstrap_servers)
        try:
            topics = await admin.list_topics()
        finally:
            await admin.close()
        return sorted(t for t in topics if t.endswith(DLQ_SUFFIX) and t.startswith(self.prefix))

    async def _require(self, topic: str) -> str:
        if topic not in await self.dlq_topics():
            raise UnknownDlq(topic)
        return topic

    async def list(self, *, preview: int = 5) -> list[DlqSummary]:
        topics = await self.dlq_topics()
        summaries = []
        consumer = await start_consumer(self.bootstrap_servers, group_id=redrive_group(self.prefix))
        try:
            for topic in topics:
                summaries.append(await self._summary(consumer, topic, preview))
        finally:
            await consumer.stop()
        return summaries

    async def summary(self, topic: str, *, preview: int = 20) -> DlqSummary:
        topic = await self._require(topic)
        consumer = await start_consumer(self.bootstrap_servers, group_id=redrive_group(self.prefix))
        try:
            return await self._summary(consumer, topic, preview)
        finally:
            await consumer.stop()

    async def _summary(self, consumer: AIOKafkaConsumer, topic: str, preview: int) -> DlqSummary:
        tps = await topic_partitions(self.bootstrap_servers, [topic])
        starts = await consumer.beginning_offsets(tps)
        ends = await consumer.end_offsets(tps)
        records = pending = 0
        newest: list[DlqRecord] = []
        for tp in tps:
            records += ends[tp] - starts[tp]
            done = await consumer.committed(tp) or 0
            pending += ends[tp] - max(done, starts[tp])
            first = max(starts[tp], ends[tp] - preview)
            newest += await _read_range(consumer, tp, first, ends[tp])
        newest.sort(key=lambda r: (r.timestamp_ms, r.offset), reverse=True)
        return DlqSummary(
            topic, topic.removeprefix(self.prefix).removesuffix(DLQ_SUFFIX), records, pending, newest[:preview]
        )

    async def redrive(self, topic: str, *, from_offset: int | None = None) -> RedriveResult:
        topic = await self._require(topic)
        consumer = await start_consumer(self.bootstrap_servers, group_id=redrive_group(self.prefix))
        producer = await start_producer(self.bootstrap_servers)
        engines = [create_engine(url, pool_size=1) for url in self.database_urls]
        redriven = released = 0
        next_offsets: dict[int, int] = {}
        try:
            tps = await topic_partitions(self.bootstrap_servers, [topic])
            starts = await consumer.beginning_offsets(tps)
            ends = await consumer.end_offsets(tps)
            for tp in tps:
                done = max(await consumer.committed(tp) or 0, starts[tp])
                first = done if from_offset is None else max(from_offset, starts[tp])
                position = first
                for raw in await _read_range(consumer, tp, first, ends[tp], raw=True):
                    record = to_record(raw)
                    if raw.offset >= done:
                        released += await _release_claim(engines, record)
                    await producer.send_and_wait(
                        record.original_topic,
                        value=raw.value,
                        key=raw.key,
                        headers=[(k, v) for k, v in raw.headers or () if not k.startswith(DLQ_HEADER_PREFIX)],
                    )
                    redriven += 1
                    position = raw.offset + 1
                    # One commit per record: a redrive stopped half-way resumes after the last record sent.
                    await consumer.commit({tp: max(position, done)})
                next_offsets[tp.partition] = max(position, done)
        finally:
            await producer.stop()
            await consumer.stop()
            for engine in engines:
                await engine.dispose()
        return RedriveResult(topic, redriven, released, next_offsets)

    async def purge(self, topic: str) -> int:
        """Delete every record currently in the DLQ; returns how many."""
        topic = await self._require(topic)
        consumer = await start_consumer(self.bootstrap_servers, group_id=None)
        try:
            tps = await topic_partitions(self.bootstrap_servers, [topic])
            starts = await consumer.beginning_offsets(tps)
            ends = await consumer.end_offsets(tps)
        finally:
            await consumer.stop()
        targets = {tp: RecordsToDelete(before_offset=ends[tp]) for tp in tps if ends[tp] > starts[tp]}
        if targets:
            admin = await start_admin(self.bootstrap_servers)
            try:
                await admin.delete_records(targets, timeout_ms=10000)
            finally:
                await admin.close()
        return sum(ends[tp] - starts[tp] for tp in targets)


async def topic_partitions(bootstrap_servers: str, topics: list[str]) -> list[TopicPartition]:
    """Every partition of `topics` that exist (a fresh consumer has no metadata to answer this)."""
    admin = await start_admin(bootstrap_servers)
    try:
        described = await admin.describe_topics(topics)
    finally:
        await admin.close()
    return sorted(
        TopicPartition(d["topic"], p["partition"]) for d in described if not d["error_code"] for p in d["partitions"]
    )


async def _read_range(consumer: AIOKafkaConsumer, tp: TopicPartition, first: int, end: int, *, raw: bool = False):
    """Records of `tp` in [first, end) read with manual assignment (the group only stores progress)."""
    if first >= end:
        return []
    consumer.assign([tp])
    consumer.seek(tp, first)
    records = []
    deadline = time.monotonic() + READ_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        batches = await consumer.getmany(tp, timeout_ms=500)
        got = batches.get(tp, [])
        if not got:
            if await consumer.position(tp) >= end:
                break
            continue
        for record in got:
            if record.offset < end:
                records.append(record if raw else to_record(record))
        if got[-1].offset >= end - 1:
            break
    return records


async def _release_claim(engines, record: DlqRecord) -> int:
    consumer_name = record.error.get("consumer")
    if not consumer_name or not record.event_id:
        return 0
    try:
        uuid.UUID(record.event_id)
    except ValueError:
        return 0
    released = 0
    for engine in engines:
        async with engine.begin() as connection:
            result = await connection.execute(
                RELEASE_CLAIM_SQL, {"consumer": consumer_name, "event_id": record.event_id}
            )
            released += result.rowcount or 0
    return released
