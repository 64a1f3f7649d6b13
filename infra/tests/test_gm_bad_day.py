"""The bad day: processes killed at the worst moment, duplicates, unreachable servers."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import pytest
from aiokafka import AIOKafkaProducer

from greenmarket.infra.db import create_engine
from greenmarket.infra.messaging.clients import BrokerUnavailable, start_producer
from greenmarket.infra.messaging.codec import encode_value, record_headers
from greenmarket.infra.messaging.consumer import ConsumerRunner, IdempotentProcessor
from greenmarket.infra.messaging.dead_letters import DeadLetterPublisher
from greenmarket.infra.messaging.outbox import Outbox
from greenmarket.infra.messaging.relay import asyncpg_dsn
from support.kafka_reading import eventually, read_records, relay_for, running
from support.messaging_db import effect_counts, record_effect
from support.sample_events import SAMPLE_TOPIC, sample

TESTS_DIR = Path(__file__).parent
GREENMARKET_CLI = Path(sys.executable).parent / "greenmarket"


def start_process(argv, env=None):
    return subprocess.Popen(
        argv,
        cwd=TESTS_DIR,
        env={**os.environ, "PYTHONPATH": str(TESTS_DIR), **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def kill(process):
    process.send_signal(signal.SIGKILL)
    process.wait(10)


async def test_relay_killed_after_publishing_before_marking_still_gives_one_effect(
    stack, database_url, topic_prefix, messaging
):
    envelope = sample(7, 1)
    async with messaging() as session, session.begin():
        await Outbox().add(session, envelope, topic=SAMPLE_TOPIC)

    # Hold a lock on the row: the relay reads and publishes it, then blocks marking it published.
    blocker = await asyncpg.connect(asyncpg_dsn(database_url))
    transaction = blocker.transaction()
    await transaction.start()
    await blocker.execute("SELECT id FROM outbox FOR UPDATE")
    relay_process = start_process(
        [str(GREENMARKET_CLI), "relay"],
        {
            "DATABASE_URL": database_url,
            "KAFKA_BOOTSTRAP_SERVERS": stack.bootstrap_servers,
            "TOPIC_PREFIX": topic_prefix,
        },
    )
    topic = topic_prefix + SAMPLE_TOPIC
    try:
        published = await read_records(stack.bootstrap_servers, topic, expected=1, timeout=30)
        assert len(published) == 1, relay_process.stderr.read1().decode() if relay_process.poll() is not None else ""
    finally:
        kill(relay_process)
        # The killed relay's UPDATE still waits on our lock in its server process; end that too,
        # as a dead client's connection would be, before releasing the lock.
        await blocker.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        await transaction.rollback()
        await blocker.close()
    assert await blocker_free_row_unpublished(database_url)

    # The restarted relay publishes the row again; the consumer applies it once.
    async with running(relay_for(database_url, stack.bootstrap_servers, topic_prefix).run):
        assert len(await read_records(stack.bootstrap_servers, topic, expected=2)) == 2
    processor = IdempotentProcessor(
        "effects", messaging, DeadLetterPublisher(stack.bootstrap_servers), handler=record_effect
    )
    runner = ConsumerRunner(
        bootstrap_servers=stack.bootstrap_servers,
        group_id=topic_prefix + "effects",
        topics=[topic],
        processor=processor,
    )
    async with running(runner.run):

        async def applied():
            return await effect_counts(messaging) == {str(envelope.event_id): 1}

        await eventually(applied)
        await asyncio.sleep(1)
    assert await effect_counts(messaging) == {str(envelope.event_id): 1}


async def blocker_free_row_unpublished(database_url) -> bool:
    connection = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        return await connection.fetchval("SELECT published_at IS NULL FROM outbox") is True
    finally:
        await connection.close()


@pytest.mark.parametrize("mode", ["plain", "faust"])
async def test_a_consumer_killed_mid_batch_loses_nothing_and_applies_nothing_twice(
    stack, database_url, topic_prefix, messaging, mode
):
    topic = topic_prefix + SAMPLE_TOPIC
    envelopes = [sample(n % 6, n) for n in range(300)]
    producer = AIOKafkaProducer(bootstrap_servers=stack.bootstrap_servers)
    await producer.start()
    try:
        for envelope in envelopes:
            await producer.send(
                topic, encode_value(envelope), key=envelope.key.encode(), headers=record_headers(envelope)
            )
        await producer.flush()
    finally:
        await producer.stop()

    group = topic_prefix + "killed-consumer"
    argv = [sys.executable, "-m", "support.effect_consumer", mode, database_url, stack.bootstrap_servers, topic, group]
    slow = start_process([*argv, "0.3"])
    try:

        async def some_applied():
            count = len(await effect_counts(messaging))
            return 0 < count < len(envelopes)

        await eventually(some_applied, timeout=60)
    finally:
        kill(slow)  # in the middle of a later batch: its effects are written but not committed

    applied_before_kill = len(await effect_counts(messaging))
    fast = start_process(argv)
    try:

        async def all_applied():
            return len(await effect_counts(messaging)) == len(envelopes)

        await eventually(all_applied, timeout=90)
        await asyncio.sleep(1)
    finally:
        fast.terminate()
        fast.wait(20)

    counts = await effect_counts(messaging)
    assert applied_before_kill < len(envelopes)
    assert set(counts) == {str(e.event_id) for e in envelopes}
    assert set(counts.values()) == {1}


async def test_an_unreachable_broker_is_a_clear_error_within_seconds():
    started = time.monotonic()
    with pytest.raises(BrokerUnavailable, match="not reachable"):
        await start_producer(f"127.0.0.1:{free_port()}", timeout=3)
    assert time.monotonic() - started < 10


async def test_a_silent_broker_is_a_clear_error_not_a_hang():
    with silent_server() as port:
        started = time.monotonic()
        with pytest.raises(BrokerUnavailable):
            await start_producer(f"127.0.0.1:{port}", timeout=3)
        assert time.monotonic() - started < 10


async def test_an_unreachable_or_silent_database_is_a_clear_error_within_seconds():
    for port_context in (None, silent_server()):
        if port_context is None:
            port = free_port()
            engine = create_engine(f"postgresql+asyncpg://greenmarket:greenmarket@127.0.0.1:{port}/greenmarket")
            started = time.monotonic()
            with pytest.raises((OSError, TimeoutError)):
                async with engine.connect():
                    pass
        else:
            with port_context as port:
                engine = create_engine(f"postgresql+asyncpg://greenmarket:greenmarket@127.0.0.1:{port}/greenmarket")
                started = time.monotonic()
                with pytest.raises((OSError, TimeoutError)):
                    async with engine.connect():
                        pass
        assert time.monotonic() - started < 10
        await engine.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class silent_server:
    """A loopback port that accepts connections and never answers."""

    def __enter__(self) -> int:
        self.socket = socket.socket()
        self.socket.bind(("127.0.0.1", 0))
        self.socket.listen(16)
        return self.socket.getsockname()[1]

    def __exit__(self, *exc) -> None:
        self.socket.close()
