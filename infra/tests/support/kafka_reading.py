"""Reading what landed on a topic, and running background components inside a test."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager

from aiokafka import AIOKafkaConsumer

from greenmarket.infra.messaging.codec import decode_value
from greenmarket.infra.messaging.relay import OutboxRelay
from greenmarket.schemas import Envelope


async def read_records(bootstrap_servers: str, topic: str, *, expected: int, timeout: float = 15.0) -> list:
    """Every record of `topic` from the beginning, once at least `expected` arrived (or timeout)."""
    consumer = AIOKafkaConsumer(
        topic,
        bootstrap_servers=bootstrap_servers,
        group_id=None,
        auto_offset_reset="earliest",
        enable_auto_commit=False,
    )
    await consumer.start()
    records = []
    deadline = time.monotonic() + timeout
    try:
        while len(records) < expected and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=200)
            for partition_records in batches.values():
                records.extend(partition_records)
        # A short extra read catches records beyond `expected` (duplicates we must not have).
        batches = await consumer.getmany(timeout_ms=300)
        for partition_records in batches.values():
            records.extend(partition_records)
    finally:
        await consumer.stop()
    return records


async def read_envelopes(bootstrap_servers: str, topic: str, *, expected: int, timeout: float = 15.0) -> list[Envelope]:
    return [
        decode_value(r.value) for r in await read_records(bootstrap_servers, topic, expected=expected, timeout=timeout)
    ]


@asynccontextmanager
async def running(component: Callable[[asyncio.Event], Awaitable[None]]):
    """Run `component(stop)` in the background for the body of the `async with`."""
    stop = asyncio.Event()
    task = asyncio.create_task(component(stop))
    try:
        yield task
    finally:
        stop.set()
        try:
            await asyncio.wait_for(task, 20)
        except TimeoutError:
            task.cancel()
        if task.done() and not task.cancelled() and task.exception() is not None:
            raise task.exception()


def relay_for(database_url: str, bootstrap_servers: str, topic_prefix: str) -> OutboxRelay:
    return OutboxRelay(database_url, bootstrap_servers, topic_prefix=topic_prefix, poll_interval=0.2)


async def eventually(check: Callable[[], Awaitable[bool]], *, timeout: float = 15.0, interval: float = 0.1) -> None:
    """Wait until an eventually consistent view shows what the test expects."""
    deadline = time.monotonic() + timeout
    while True:
        if await check():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout} s")
        await asyncio.sleep(interval)
