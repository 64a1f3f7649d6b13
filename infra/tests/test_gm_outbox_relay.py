"""Outbox + relay on the real stack: one message per committed event, none for a rollback, order per key."""

import asyncio
from collections import defaultdict

from greenmarket.infra.messaging.codec import decode_value, header
from greenmarket.infra.messaging.outbox import Outbox
from support.kafka_reading import read_records, relay_for, running
from support.sample_events import SAMPLE_TOPIC, sample


async def test_a_committed_event_is_published_once_with_envelope_and_headers(
    stack, database_url, topic_prefix, messaging
):
    envelope = sample(42, 1)
    async with messaging() as session, session.begin():
        await Outbox().add(session, envelope, topic=SAMPLE_TOPIC)

    async with running(relay_for(database_url, stack.bootstrap_servers, topic_prefix).run):
        records = await read_records(stack.bootstrap_servers, topic_prefix + SAMPLE_TOPIC, expected=1)

    assert len(records) == 1
    record = records[0]
    assert record.key == b"42"
    assert decode_value(record.value).to_wire() == envelope.to_wire()
    assert header(record.headers, "eventId") == str(envelope.event_id)
    assert header(record.headers, "type") == "SampleHappened"
    traceparent = header(record.headers, "traceparent")
    assert traceparent and len(traceparent.split("-")) == 4


async def test_a_rolled_back_transaction_publishes_nothing(stack, database_url, topic_prefix, messaging):
    async with messaging() as session:
        async with session.begin():
            await Outbox().add(session, sample(1, 1), topic=SAMPLE_TOPIC)
            await session.rollback()
    async with messaging() as session, session.begin():
        await Outbox().add(session, sample(2, 1), topic=SAMPLE_TOPIC)  # a marker that must arrive

    async with running(relay_for(database_url, stack.bootstrap_servers, topic_prefix).run):
        records = await read_records(stack.bootstrap_servers, topic_prefix + SAMPLE_TOPIC, expected=1)

    assert [r.key for r in records] == [b"2"]


async def test_a_thousand_events_over_ten_aggregates_arrive_in_order_per_key(
    stack, database_url, topic_prefix, messaging
):
    # Written in many small transactions, as services do, while the relay is already running.
    async with running(relay_for(database_url, stack.bootstrap_servers, topic_prefix).run):
        for batch in range(100):
            async with messaging() as session, session.begin():
                await Outbox().add_many(
                    session, [sample(aggregate, batch) for aggregate in range(10)], topic=SAMPLE_TOPIC
                )
        records = await read_records(stack.bootstrap_servers, topic_prefix + SAMPLE_TOPIC, expected=1000, timeout=30)

    assert len(records) == 1000
    seqs = defaultdict(list)
    for record in records:
        envelope = decode_value(record.value)
        seqs[envelope.aggregate_id].append(envelope.payload["seq"])
    assert len(seqs) == 10
    for aggregate, sequence in seqs.items():
        assert sequence == list(range(100)), f"aggregate {aggregate} out of order"


async def test_only_one_relay_publishes_at_a_time(stack, database_url, topic_prefix, messaging):
    first = relay_for(database_url, stack.bootstrap_servers, topic_prefix)
    second = relay_for(database_url, stack.bootstrap_servers, topic_prefix)
    async with running(first.run), running(second.run):
        for _ in range(50):
            if first.is_leader or second.is_leader:
                break
            await asyncio.sleep(0.1)
        await asyncio.sleep(0.5)
        assert [first.is_leader, second.is_leader].count(True) == 1
        async with messaging() as session, session.begin():
            await Outbox().add_many(session, [sample(1, seq) for seq in range(20)], topic=SAMPLE_TOPIC)
        records = await read_records(stack.bootstrap_servers, topic_prefix + SAMPLE_TOPIC, expected=20)
    assert [decode_value(r.value).payload["seq"] for r in records] == list(range(20))


async def test_an_event_written_while_handling_a_request_carries_its_correlation_id(messaging):
    from sqlalchemy import select

    from greenmarket.infra.logging import correlation_id
    from greenmarket.infra.messaging.tables import OUTBOX

    token = correlation_id.set("request-7")
    try:
        async with messaging() as session, session.begin():
            await Outbox().add(session, sample(1, 1), topic=SAMPLE_TOPIC)
    finally:
        correlation_id.reset(token)
    async with messaging() as session:
        envelope = (await session.execute(select(OUTBOX.c.envelope))).scalar_one()
    assert envelope["correlationId"] == "request-7"
