"""DLQ tools on the real stack: a poison record is dead-lettered, shown, redriven, processed once, purged."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, MetaData, String, Table, func, insert, select
from sqlalchemy.dialects.postgresql import UUID

from greenmarket.infra.db import create_engine, create_sessionmaker
from greenmarket.infra.messaging.clients import start_admin, start_producer
from greenmarket.infra.messaging.codec import encode_value, record_headers
from greenmarket.infra.messaging.consumer import ConsumerRunner, IdempotentProcessor
from greenmarket.infra.messaging.dead_letters import DeadLetterPublisher
from greenmarket.infra.messaging.dlq_tools import DlqTools, UnknownDlq, redrive_group, resolve_dlq
from greenmarket.infra.messaging.tables import messaging_tables
from greenmarket.infra.messaging.topics import TopicSpec, ensure_topics
from greenmarket.schemas import Envelope
from support.kafka_reading import eventually, running

TOPIC = "dlqtest.events"
CONSUMER = "dlqtest-applier"

metadata = MetaData()
messaging_tables(metadata)
applied = Table("dlqtest_applied", metadata, Column("event_id", UUID(as_uuid=True)), Column("note", String(50)))


@pytest.fixture
async def sessionmaker(database_url):
    engine = create_engine(database_url, pool_size=2)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield create_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
async def topics(stack, topic_prefix):
    await ensure_topics(
        stack.bootstrap_servers, topic_prefix, (TopicSpec(TOPIC, partitions=1), TopicSpec(f"{TOPIC}.dlq", partitions=1))
    )
    return f"{topic_prefix}{TOPIC}", f"{topic_prefix}{TOPIC}.dlq"


class Applier:
    """A handler that fails while `broken` (the bug), and records each event it applies."""

    def __init__(self) -> None:
        self.broken = True

    async def __call__(self, session, envelope: Envelope) -> None:
        if self.broken:
            raise ValueError(f"cannot apply {envelope.type}")
        await session.execute(insert(applied).values(event_id=envelope.event_id, note=envelope.type))


async def count_applied(sessionmaker) -> int:
    async with sessionmaker() as session:
        return (await session.execute(select(func.count()).select_from(applied))).scalar_one()


async def group_done(bootstrap: str, group: str, topic: str) -> bool:
    """The live group has committed everything of `topic` (it has seen the redriven copies)."""
    admin = await start_admin(bootstrap)
    try:
        offsets = await admin.list_consumer_group_offsets(group)
    finally:
        await admin.close()
    from aiokafka import AIOKafkaConsumer, TopicPartition

    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        ends = await consumer.end_offsets([TopicPartition(topic, 0)])
    finally:
        await consumer.stop()
    committed = offsets.get(TopicPartition(topic, 0))
    return committed is not None and committed.offset == ends[TopicPartition(topic, 0)]


async def test_a_dead_lettered_record_is_redriven_and_processed_once(
    stack, topic_prefix, topics, sessionmaker, database_url
):
    topic, dlq = topics
    bootstrap = stack.bootstrap_servers
    envelope = Envelope(
        type="OrderPlaced", producer="dlqtest", aggregate_type="order", aggregate_id="7", payload={"n": 1}
    )
    producer = await start_producer(bootstrap)
    try:
        await producer.send_and_wait(topic, encode_value(envelope), key=b"7", headers=record_headers(envelope))
    finally:
        await producer.stop()

    handler = Applier()
    group = f"{topic_prefix}dlqtest-applier"

    def runner():
        processor = IdempotentProcessor(
            CONSUMER, sessionmaker, DeadLetterPublisher(bootstrap), handler=handler, max_attempts=2, retry_delay=0.01
        )
        return ConsumerRunner(bootstrap_servers=bootstrap, group_id=group, topics=[topic], processor=processor)

    tools = DlqTools(bootstrap, prefix=topic_prefix, database_urls=[database_url])
    async with running(runner().run):

        async def dead_lettered():
            return (await tools.summary(dlq)).records == 1

        await eventually(dead_lettered, timeout=30)

        summary = (await tools.list())[0]
        assert (summary.topic, summary.original_topic, summary.records, summary.pending) == (dlq, TOPIC, 1, 1)
        record = summary.newest[0]
        assert record.event_id == str(envelope.event_id) and record.event_type == "OrderPlaced"
        assert record.error["error.type"] == "ValueError"
        assert record.error["consumer"] == CONSUMER
        assert record.error["original.topic"] == topic and record.error["attempts"] == "2"
        assert "cannot apply OrderPlaced" in record.error["error.message"]

        handler.broken = False  # the bug is fixed
        result = await tools.redrive(resolve_dlq(TOPIC, topic_prefix))
        assert (result.redriven, result.claims_released, result.next_offsets) == (1, 1, {0: 1})

        async def applied_once():
            return await count_applied(sessionmaker) == 1

        await eventually(applied_once, timeout=30)
        assert (await tools.summary(dlq)).pending == 0

        # A second redrive finds nothing left to send.
        again = await tools.redrive(dlq)
        assert again.redriven == 0

        # Redriving the same record again on purpose sends it, but it stays applied once.
        forced = await tools.redrive(dlq, from_offset=0)
        assert (forced.redriven, forced.claims_released) == (1, 0)

        async def consumed_everything():
            return await group_done(bootstrap, group, topic)

        await eventually(consumed_everything, timeout=30)
        assert await count_applied(sessionmaker) == 1

    # The redriven copies carry no dlq.* headers.
    from support.kafka_reading import read_records

    copies = (await read_records(bootstrap, topic, expected=3))[1:]
    assert len(copies) == 2
    assert all(not k.startswith("dlq.") for c in copies for k, _ in c.headers)
    assert all(dict(c.headers)["eventId"] == str(envelope.event_id).encode() for c in copies)

    assert await tools.purge(dlq) == 1
    after = await tools.summary(dlq)
    assert (after.records, after.pending, after.newest) == (0, 0, [])


async def test_unknown_dlq_is_refused(stack, topic_prefix, topics):
    tools = DlqTools(stack.bootstrap_servers, prefix=topic_prefix)
    with pytest.raises(UnknownDlq):
        await tools.redrive(resolve_dlq("nope.events", topic_prefix))
    with pytest.raises(UnknownDlq):
        await tools.purge(resolve_dlq("nope.events", topic_prefix))


def test_dlq_names_resolve_from_the_logical_or_full_name():
    assert resolve_dlq("product.events", "t1.") == "t1.product.events.dlq"
    assert resolve_dlq("product.events.dlq", "t1.") == "t1.product.events.dlq"
    assert resolve_dlq("t1.product.events.dlq", "t1.") == "t1.product.events.dlq"
    assert redrive_group("t1.") == "t1.greenmarket-dlq-redrive"
