"""The idempotent consumer: duplicates are skipped, poison goes to the DLQ, nothing blocks."""

import asyncio

import pytest
from aiokafka import AIOKafkaProducer

from greenmarket.infra.messaging.codec import encode_value, header, record_headers
from greenmarket.infra.messaging.consumer import ConsumerRunner, IdempotentProcessor
from greenmarket.infra.messaging.dead_letters import DeadLetterPublisher
from greenmarket.infra.messaging.topics import dlq_name, ensure_topics
from support.kafka_reading import eventually, read_records, running
from support.messaging_db import effect_counts, prepare, record_effect
from support.sample_events import SAMPLE_TOPIC, sample


@pytest.fixture
async def setup(stack, database_url, topic_prefix):
    await ensure_topics(stack.bootstrap_servers, topic_prefix)
    engine, sessionmaker = await prepare(database_url)
    producer = AIOKafkaProducer(bootstrap_servers=stack.bootstrap_servers)
    await producer.start()
    yield sessionmaker, producer, topic_prefix + SAMPLE_TOPIC
    await producer.stop()
    await engine.dispose()


async def send(producer, topic, envelope, value=None):
    await producer.send_and_wait(
        topic, value=value if value is not None else encode_value(envelope), key=envelope.key.encode(),
        headers=record_headers(envelope),
    )  # fmt: skip


def runner_for(stack, sessionmaker, topic, handler, *, group="test-consumer", **kwargs):
    processor = IdempotentProcessor(
        group, sessionmaker, DeadLetterPublisher(stack.bootstrap_servers), handler=handler, retry_delay=0.01, **kwargs
    )
    return ConsumerRunner(
        bootstrap_servers=stack.bootstrap_servers, group_id=group, topics=[topic], processor=processor
    )


async def test_the_same_event_twice_is_applied_once(stack, setup):
    sessionmaker, producer, topic = setup
    duplicated, other = sample(1, 1), sample(1, 2)
    for envelope in (duplicated, duplicated, other, duplicated):
        await send(producer, topic, envelope)

    async with running(runner_for(stack, sessionmaker, topic, record_effect).run):

        async def both_applied():
            return len(await effect_counts(sessionmaker)) == 2

        await eventually(both_applied)
        await asyncio.sleep(0.5)  # give a wrongly applied duplicate the chance to show up

    assert await effect_counts(sessionmaker) == {str(duplicated.event_id): 1, str(other.event_id): 1}


async def test_a_poison_record_goes_to_the_dlq_and_the_records_behind_it_are_processed(stack, setup):
    sessionmaker, producer, topic = setup
    attempts = []

    async def handler(session, envelope):
        if envelope.payload["poison"]:
            attempts.append(envelope.event_id)
            raise ValueError("cannot apply this one")
        await record_effect(session, envelope)

    good_before, poison, good_after = sample(5, 1), sample(5, 2, poison=True), sample(5, 3)
    for envelope in (good_before, poison, good_after):
        await send(producer, topic, envelope)
    await send(producer, topic, good_after, value=b"not json at all")  # undecodable: straight to the DLQ

    async with running(runner_for(stack, sessionmaker, topic, handler, max_attempts=3).run):
        dead = await read_records(stack.bootstrap_servers, dlq_name(topic), expected=2)

        async def good_ones_applied():
            return len(await effect_counts(sessionmaker)) == 2

        await eventually(good_ones_applied)

    assert await effect_counts(sessionmaker) == {str(good_before.event_id): 1, str(good_after.event_id): 1}
    # Three tries of its own, plus possibly the failed attempt of the batch it arrived in.
    assert 3 <= len(attempts) <= 4
    assert len(dead) == 2
    by_type = {header(r.headers, "dlq.error.type"): r for r in dead}
    poisoned = by_type["ValueError"]
    assert header(poisoned.headers, "dlq.error.message") == "cannot apply this one"
    assert header(poisoned.headers, "dlq.attempts") == "3"
    assert header(poisoned.headers, "dlq.original.topic") == topic
    assert header(poisoned.headers, "eventId") == str(poison.event_id)
    assert by_type["UndecodableRecord"].value == b"not json at all"


async def test_a_restarted_consumer_skips_what_it_already_applied(stack, setup):
    sessionmaker, producer, topic = setup
    envelopes = [sample(9, seq) for seq in range(30)]
    for envelope in envelopes:
        await send(producer, topic, envelope)

    async with running(runner_for(stack, sessionmaker, topic, record_effect, group="first").run):

        async def all_applied():
            return len(await effect_counts(sessionmaker)) == 30

        await eventually(all_applied)
    # A new group re-reads everything from the beginning, like a rebalance after lost commits;
    # the processed_events claims of consumer "first" must stop every second effect.
    processor_group_is_the_consumer_name = "first"
    replay = runner_for(stack, sessionmaker, topic, record_effect, group=processor_group_is_the_consumer_name)
    replay.group_id = "first-replay"
    async with running(replay.run):
        await asyncio.sleep(2)
    assert set((await effect_counts(sessionmaker)).values()) == {1}
