"""The lag monitor against the real broker: STOP/STALL and back to OK, REWIND, lag in seconds."""

from __future__ import annotations

import asyncio
import time

import pytest
from aiokafka import TopicPartition

from greenmarket.infra.messaging.clients import start_consumer, start_producer
from greenmarket.infra.messaging.topics import TopicSpec, ensure_topics
from greenmarket.infra.ops.broker import BrokerReader
from greenmarket.infra.ops.evaluation import Status
from greenmarket.infra.ops.monitor import LagMonitor
from support.kafka_reading import eventually, running

TOPIC = "lagtest.events"


@pytest.fixture
async def topic(stack, topic_prefix):
    await ensure_topics(stack.bootstrap_servers, topic_prefix, (TopicSpec(TOPIC, partitions=1),))
    return f"{topic_prefix}{TOPIC}"


@pytest.fixture
async def producer(stack):
    producer = await start_producer(stack.bootstrap_servers)
    yield producer
    await producer.stop()


def consuming(bootstrap: str, topic: str, group: str):
    """A consumer that reads and commits everything: the 'worker' the monitor watches."""

    async def run(stop: asyncio.Event) -> None:
        consumer = await start_consumer(bootstrap, topic, group_id=group)
        try:
            while not stop.is_set():
                batches = await consumer.getmany(timeout_ms=100)
                for tp, records in batches.items():
                    await consumer.commit({tp: records[-1].offset + 1})
        finally:
            await consumer.stop()

    return run


async def commit_offset(bootstrap: str, group: str, topic: str, offset: int) -> None:
    """Set a group's committed offset the way `kafka-consumer-groups --reset-offsets` does (group must be empty)."""
    consumer = await start_consumer(bootstrap, group_id=group)
    try:
        tp = TopicPartition(topic, 0)
        consumer.assign([tp])
        await consumer.commit({tp: offset})
    finally:
        await consumer.stop()


def monitor_for(stack, topic_prefix, *, window=4, interval=0.2) -> LagMonitor:
    return LagMonitor(
        BrokerReader(stack.bootstrap_servers, group_filter=topic_prefix), window_size=window, interval=interval
    )


def group_of(monitor: LagMonitor, group: str):
    return monitor.latest.group(group) if monitor.latest else None


async def test_a_stopped_consumer_goes_to_stop_or_stall_and_back_to_ok(stack, topic_prefix, topic, producer):
    group = f"{topic_prefix}ops-worker"
    monitor = monitor_for(stack, topic_prefix)
    for i in range(3):
        await producer.send_and_wait(topic, f"r{i}".encode())
    async with running(monitor.run):
        async with running(consuming(stack.bootstrap_servers, topic, group)):

            async def caught_up():
                g = group_of(monitor, group)
                return g is not None and g.total_lag == 0 and g.status is Status.OK and g.members == 1

            await eventually(caught_up, timeout=30)
            assert group_of(monitor, group).partitions[0].owner is not None

        # The worker is stopped; producers go on.
        async def stopped():
            await producer.send_and_wait(topic, b"more")
            g = group_of(monitor, group)
            return g is not None and g.status in (Status.STOP, Status.STALL)

        await eventually(stopped, timeout=30, interval=0.2)
        stopped_group = group_of(monitor, group)
        assert stopped_group.total_lag > 0
        assert stopped_group.partitions[0].owner is None

        async with running(consuming(stack.bootstrap_servers, topic, group)):

            async def recovered():
                g = group_of(monitor, group)
                return g is not None and g.status is Status.OK and g.total_lag == 0

            await eventually(recovered, timeout=30)


async def test_an_offset_reset_backwards_shows_rewind(stack, topic_prefix, topic, producer):
    group = f"{topic_prefix}ops-rewound"
    for i in range(10):
        await producer.send_and_wait(topic, f"r{i}".encode())
    await commit_offset(stack.bootstrap_servers, group, topic, 8)
    monitor = monitor_for(stack, topic_prefix, window=5)
    async with running(monitor.run):
        await eventually(lambda: _has_cycles(monitor, 2), timeout=20)
        assert group_of(monitor, group).partitions[0].committed == 8
        await commit_offset(stack.bootstrap_servers, group, topic, 2)

        async def rewound():
            g = group_of(monitor, group)
            return g.status is Status.REWIND and g.partitions[0].committed == 2

        await eventually(rewound, timeout=20)


async def test_lag_seconds_is_the_age_of_the_oldest_unconsumed_record(stack, topic_prefix, topic, producer):
    group = f"{topic_prefix}ops-aging"
    now_ms = int(time.time() * 1000)
    await producer.send_and_wait(topic, b"old", timestamp_ms=now_ms - 120_000)
    await producer.send_and_wait(topic, b"newer", timestamp_ms=now_ms - 30_000)
    await commit_offset(stack.bootstrap_servers, group, topic, 0)
    monitor = monitor_for(stack, topic_prefix)
    async with running(monitor.run):
        await eventually(lambda: _has_cycles(monitor, 1), timeout=20)
        first = group_of(monitor, group)
        assert first.partitions[0].lag == 2
        assert 120 <= first.max_lag_seconds < 150
        seen = first.max_lag_seconds

        async def grows():
            return group_of(monitor, group).max_lag_seconds >= seen + 0.5

        await eventually(grows, timeout=20)

        # Consuming the oldest record leaves the younger one as the oldest unconsumed.
        await commit_offset(stack.bootstrap_servers, group, topic, 1)

        async def younger():
            g = group_of(monitor, group)
            return g.partitions[0].committed == 1 and 30 <= g.max_lag_seconds < 60

        await eventually(younger, timeout=20)


async def _has_cycles(monitor: LagMonitor, n: int) -> bool:
    return monitor.cycles >= n
