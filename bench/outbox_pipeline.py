"""Outbox → relay → Kafka → idempotent consumer: end-to-end latency and the relay's top speed.

Same run, same broker, three measurements:
1. floor: a raw aiokafka produce → consume round trip at the target rate;
2. pipeline: events committed to the outbox at the target rate, published by the relay, applied
   by an IdempotentProcessor (claim + effect in one transaction); latency = effect − commit;
3. relay drain: a backlog of outbox rows published as fast as the relay can.
Goals (DESIGN.md): pipeline p50 ≤ 5 ms and p99 ≤ 25 ms at 1,000 events/s; relay ≥ 10,000 events/s.

    uv run python -m bench outbox_pipeline [--rate 1000] [--seconds 10] [--backlog 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy import text

from bench._support import report, running_stack, scratch_database, summary_ms
from greenmarket.infra.db import create_engine, create_sessionmaker
from greenmarket.infra.messaging.consumer import ConsumerRunner, IdempotentProcessor
from greenmarket.infra.messaging.dead_letters import DeadLetterPublisher
from greenmarket.infra.messaging.outbox import Outbox
from greenmarket.infra.messaging.relay import OutboxRelay
from greenmarket.infra.messaging.tables import NOTIFY_FUNCTION_SQL, NOTIFY_TRIGGER_SQL, messaging_tables
from greenmarket.infra.messaging.topics import ensure_topics
from greenmarket.schemas.registry import Message

TOPIC = "user.events"


class BenchEvent(Message):
    type_name = "BenchEvent"
    topic = TOPIC
    aggregate_type = "bench"
    committed_at: float


async def paced(rate: int, seconds: float, action) -> None:
    interval, started = 1.0 / rate, time.perf_counter()
    for n in range(int(rate * seconds)):
        delay = started + n * interval - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        await action(n)


async def raw_round_trip(bootstrap: str, topic: str, rate: int, seconds: float) -> list[float]:
    latencies: list[float] = []
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="latest", group_id=None)
    await consumer.start()
    await consumer.seek_to_end()
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all", linger_ms=1)
    await producer.start()
    expected = int(rate * seconds)

    async def consume():
        while len(latencies) < expected:
            for records in (await consumer.getmany(timeout_ms=200)).values():
                now = time.time()
                latencies.extend(now - float(r.value) for r in records)

    reader = asyncio.create_task(consume())
    await paced(rate, seconds, lambda n: producer.send(topic, str(time.time()).encode(), key=str(n % 10).encode()))
    await asyncio.wait_for(reader, 30)
    await producer.stop()
    await consumer.stop()
    return latencies


async def prepare_db(url: str):
    engine = create_engine(url, pool_size=20)
    from sqlalchemy import MetaData

    metadata = MetaData()
    messaging_tables(metadata)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
        await connection.execute(text(NOTIFY_FUNCTION_SQL))
        await connection.execute(text(NOTIFY_TRIGGER_SQL))
    return engine, create_sessionmaker(engine)


async def pipeline(info, url: str, prefix: str, rate: int, seconds: float, poll: float | None = None) -> list[float]:
    engine, sessionmaker = await prepare_db(url)
    if poll is not None:
        # The polling variant: no NOTIFY from the trigger, the relay polls every `poll` seconds.
        async with engine.begin() as connection:
            await connection.execute(text("ALTER TABLE outbox DISABLE TRIGGER outbox_notify"))
    latencies: list[float] = []
    expected = int(rate * seconds)

    async def apply(session, envelopes):
        now = time.time()
        latencies.extend(now - e.payload["committedAt"] for e in envelopes)

    processor = IdempotentProcessor(
        "bench", sessionmaker, DeadLetterPublisher(info.bootstrap_servers), batch_handler=apply
    )
    runner = ConsumerRunner(
        bootstrap_servers=info.bootstrap_servers,
        group_id=prefix + "bench",
        topics=[prefix + TOPIC],
        processor=processor,
    )
    # The relay runs as its own process, as it does in production.
    relay = subprocess.Popen(
        [str(Path(sys.executable).parent / "greenmarket"), "relay", *(["--poll-interval", str(poll)] if poll else [])],
        env={
            **os.environ,
            "DATABASE_URL": url,
            "KAFKA_BOOTSTRAP_SERVERS": info.bootstrap_servers,
            "TOPIC_PREFIX": prefix,
        },
        stdout=subprocess.DEVNULL,
    )
    stop = asyncio.Event()
    tasks = [asyncio.create_task(runner.run(stop))]
    await asyncio.wait_for(runner.started.wait(), 30)
    await asyncio.sleep(2)  # group join and relay leadership settle before the clock starts
    outbox = Outbox()

    async def write_stamped(n: int):
        async with sessionmaker() as session:
            async with session.begin():
                envelope = BenchEvent(committed_at=time.time()).envelope(aggregate_id=n % 10, producer="bench")
                await outbox.add(session, envelope, topic=TOPIC)

    await paced(rate, seconds, write_stamped)
    deadline = time.monotonic() + 60
    while len(latencies) < expected and time.monotonic() < deadline:
        await asyncio.sleep(0.1)
    stop.set()
    relay.terminate()
    relay.wait(20)
    await asyncio.gather(*tasks, return_exceptions=True)
    await engine.dispose()
    return latencies


async def relay_drain(info, url: str, prefix: str, backlog: int) -> float:
    engine, sessionmaker = await prepare_db(url)
    async with engine.begin() as connection:
        await connection.execute(text("ALTER TABLE outbox DISABLE TRIGGER outbox_notify"))
    outbox = Outbox()
    for start in range(0, backlog, 1000):
        async with sessionmaker() as session, session.begin():
            await outbox.add_many(
                session,
                [
                    BenchEvent(committed_at=0).envelope(aggregate_id=n % 50, producer="bench")
                    for n in range(start, min(backlog, start + 1000))
                ],
                topic=TOPIC,
            )
    relay = OutboxRelay(url, info.bootstrap_servers, topic_prefix=prefix, batch_size=1000)
    stop = asyncio.Event()
    started = time.perf_counter()
    task = asyncio.create_task(relay.run(stop))
    async with engine.connect() as connection:
        while (await connection.execute(text("SELECT count(*) FROM outbox WHERE published_at IS NULL"))).scalar():
            await asyncio.sleep(0.05)
    elapsed = time.perf_counter() - started
    stop.set()
    await task
    await engine.dispose()
    return backlog / elapsed


async def run(rate: int, seconds: float, backlog: int, poll: float) -> None:
    info = running_stack()
    prefix = f"bench{uuid.uuid4().hex[:6]}."
    await ensure_topics(info.bootstrap_servers, prefix)
    await ensure_topics(info.bootstrap_servers, prefix + "p.")
    floor = await raw_round_trip(info.bootstrap_servers, prefix + "product.events", rate, seconds)
    async with scratch_database(info.admin_dsn, "pipeline") as url:
        measured = await pipeline(info, url, prefix, rate, seconds)
    async with scratch_database(info.admin_dsn, "polling") as url:
        polled = await pipeline(info, url, prefix + "p.", rate, seconds, poll=poll)
    async with scratch_database(info.admin_dsn, "drain") as url:
        drain_rate = await relay_drain(info, url, prefix, backlog)
    floor_s, pipe_s, poll_s = summary_ms(floor), summary_ms(measured), summary_ms(polled)
    rows = [
        ["raw aiokafka round trip (floor)", rate, floor_s["count"], floor_s["p50_ms"], floor_s["p99_ms"], "", ""],
        [
            "outbox → relay → consumer",
            rate,
            pipe_s["count"],
            pipe_s["p50_ms"],
            pipe_s["p99_ms"],
            f"{pipe_s['p50_ms'] / max(floor_s['p50_ms'], 0.01):.1f}× / {pipe_s['p99_ms'] / max(floor_s['p99_ms'], 0.01):.1f}×",
            "p50 ≤ 5, p99 ≤ 25",
        ],
        [
            f"  same, relay polling every {poll * 1000:.0f} ms, no NOTIFY",
            rate,
            poll_s["count"],
            poll_s["p50_ms"],
            poll_s["p99_ms"],
            f"{poll_s['p50_ms'] / max(floor_s['p50_ms'], 0.01):.1f}× / {poll_s['p99_ms'] / max(floor_s['p99_ms'], 0.01):.1f}×",
            "(comparison)",
        ],
        ["relay drain (events/s)", "", backlog, "", "", f"{drain_rate:,.0f}/s", "≥ 10,000/s"],
    ]
    report(
        "outbox_pipeline",
        f"Outbox pipeline at {rate} events/s for {seconds:.0f} s",
        ["measurement", "rate/s", "events", "p50 ms", "p99 ms", "vs floor", "goal"],
        rows,
        {
            "rate": rate,
            "seconds": seconds,
            "floor": floor_s,
            "pipeline": pipe_s,
            "pipeline_polling": {**poll_s, "poll_interval_s": poll},
            "relay_drain_per_s": round(drain_rate),
        },
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--backlog", type=int, default=20000)
    parser.add_argument("--poll", type=float, default=0.005, help="relay poll interval of the no-NOTIFY comparison (s)")
    args = parser.parse_args()
    asyncio.run(run(args.rate, args.seconds, args.backlog, args.poll))
    return 0
