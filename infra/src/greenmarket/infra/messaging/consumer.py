"""Idempotent consumption: the effect and the `(consumer, eventId)` record commit together.

`IdempotentProcessor` is the one place that decides what happens to a batch of records; the
aiokafka `ConsumerRunner` and the Faust agents both hand it their records.
- A batch is first tried in one transaction (the fast path; a batch handler can then apply one
  update per key). If that fails, records are retried one by one so one poison record cannot
  hold back the others.
- A record that keeps failing goes to `<topic>.dlq` after `max_attempts` and is marked processed.
- Transient failures (the database or broker is away) are retried without counting attempts:
  a database outage must not dead-letter good records.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable

import asyncpg
from prometheus_client import Counter, Histogram
from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from greenmarket.infra.logging import correlation_id
from greenmarket.infra.messaging.clients import BrokerUnavailable, start_consumer
from greenmarket.infra.messaging.codec import ConsumedRecord, UndecodableRecord, decode_value
from greenmarket.infra.messaging.dead_letters import DeadLetterPublisher
from greenmarket.schemas import Envelope

log = logging.getLogger(__name__)

Handler = Callable[[AsyncSession, Envelope], Awaitable[None]]
BatchHandler = Callable[[AsyncSession, list[Envelope]], Awaitable[None]]

PROCESSED = Counter("greenmarket_consumer_processed_total", "Records applied", ["consumer"])
DUPLICATES = Counter("greenmarket_consumer_duplicates_total", "Records skipped as already processed", ["consumer"])
FAILURES = Counter("greenmarket_consumer_failures_total", "Failed processing attempts", ["consumer", "kind"])
BATCH_SECONDS = Histogram(
    "greenmarket_consumer_batch_seconds",
    "Time to process one batch",
    ["consumer"],
    buckets=(0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5),
)

CLAIM_SQL = text(
    "INSERT INTO processed_events (consumer, event_id) SELECT :consumer, unnest(CAST(:ids AS uuid[]))"
    " ON CONFLICT DO NOTHING RETURNING event_id"
)


class TransientError(Exception):
    """Raise from a handler when retrying later can succeed (a dependency is briefly away)."""


def is_transient(error: BaseException) -> bool:
    if isinstance(error, TransientError | OSError | BrokerUnavailable | asyncio.TimeoutError):
        return True
    if isinstance(error, sa_exc.DBAPIError):
        if error.connection_invalidated:
            return True
        original = getattr(error.orig, "__cause__", None) or error.orig
        return isinstance(
            original,
            asyncpg.exceptions.SerializationError
            | asyncpg.exceptions.DeadlockDetectedError
            | asyncpg.exceptions.CannotConnectNowError
            | asyncpg.exceptions.TooManyConnectionsError
            | asyncpg.exceptions.ConnectionDoesNotExistError
            | asyncpg.exceptions.AdminShutdownError
            | OSError,
        )
    return isinstance(error, sa_exc.InterfaceError | sa_exc.DisconnectionError)


class IdempotentProcessor:
    def __init__(
        self,
        consumer: str,
        sessionmaker: async_sessionmaker[AsyncSession],
        dead_letters: DeadLetterPublisher,
        *,
        handler: Handler | None = None,
        batch_handler: BatchHandler | None = None,
        max_attempts: int = 3,
        retry_delay: float = 0.1,
        max_transient_delay: float = 5.0,
    ) -> None:
        if (handler is None) == (batch_handler is None):
            raise ValueError("give exactly one of handler or batch_handler")
        self.consumer = consumer
        self.sessionmaker = sessionmaker
        self.dead_letters = dead_letters
        self.batch_handler: BatchHandler = batch_handler or self._one_at_a_time(handler)
        self.max_attempts = max_attempts
        self.retry_delay = retry_delay
        self.max_transient_delay = max_transient_delay

    @staticmethod
    def _one_at_a_time(handler: Handler) -> BatchHandler:
        async def run(session: AsyncSession, envelopes: list[Envelope]) -> None:
            for envelope in envelopes:
                correlation_id.set(envelope.correlation_id)
                await handler(session, envelope)

        return run

    async def process(self, records: list[ConsumedRecord]) -> None:
        started = time.perf_counter()
        decoded: list[tuple[ConsumedRecord, Envelope]] = []
        for record in records:
            try:
                decoded.append((record, decode_value(record.value)))
            except UndecodableRecord as error:
                FAILURES.labels(self.consumer, "undecodable").inc()
                await self.dead_letters.publish(record, self.consumer, error, attempts=1)
        if decoded:
            try:
                await self._with_transient_retry(lambda: self._apply([env for _, env in decoded]))
            except Exception as error:  # noqa: BLE001 - isolate the record that fails
                FAILURES.labels(self.consumer, "batch").inc()
                log.info("batch failed (%r); retrying its %d records one by one", error, len(decoded))
                # A batch of one already was that record's first attempt.
                tried = 1 if len(decoded) == 1 else 0
                for record, envelope in decoded:
                    await self._process_one(record, envelope, tried)
        BATCH_SECONDS.labels(self.consumer).observe(time.perf_counter() - started)

    async def _apply(self, envelopes: list[Envelope]) -> None:
        async with self.sessionmaker() as session, session.begin():
            claimed = {
                row[0]
                for row in await session.execute(
                    CLAIM_SQL, {"consumer": self.consumer, "ids": [str(e.event_id) for e in envelopes]}
                )
            }
            fresh, seen = [], set()
            for envelope in envelopes:
                # The same event twice in one batch is a duplicate too.
                if envelope.event_id in claimed and envelope.event_id not in seen:
                    fresh.append(envelope)
                    seen.add(envelope.event_id)
            if fresh:
                await self.batch_handler(session, fresh)
        PROCESSED.labels(self.consumer).inc(len(fresh))
        if len(envelopes) > len(fresh):
            DUPLICATES.labels(self.consumer).inc(len(envelopes) - len(fresh))

    async def _process_one(self, record: ConsumedRecord, envelope: Envelope, attempts: int = 0) -> None:
        while True:
            attempts += 1
            try:
                await self._with_transient_retry(lambda: self._apply([envelope]))
                return
            except Exception as error:  # noqa: BLE001
                FAILURES.labels(self.consumer, "record").inc()
                if attempts >= self.max_attempts:
                    log.error(
                        "giving up on %s %s after %d attempts: %r",
                        envelope.type,
                        envelope.event_id,
                        attempts,
                        error,
                        extra={"topic": record.topic, "partition": record.partition, "offset": record.offset},
                    )
                    await self.dead_letters.publish(record, self.consumer, error, attempts)
                    await self._with_transient_retry(lambda: self._mark_processed(envelope))
                    return
                await asyncio.sleep(self.retry_delay * attempts)

    async def _mark_processed(self, envelope: Envelope) -> None:
        async with self.sessionmaker() as session, session.begin():
            await session.execute(CLAIM_SQL, {"consumer": self.consumer, "ids": [str(envelope.event_id)]})

    async def _with_transient_retry(self, attempt: Callable[[], Awaitable[None]]) -> None:
        delay = self.retry_delay
        while True:
            try:
                return await attempt()
            except Exception as error:
                if not is_transient(error):
                    raise
                FAILURES.labels(self.consumer, "transient").inc()
                log.warning("transient failure, retrying in %.1f s: %r", delay, error)
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.max_transient_delay)


class ConsumerRunner:
    """A plain aiokafka consumer loop around an IdempotentProcessor: offsets commit after the effect."""

    def __init__(
        self,
        *,
        bootstrap_servers: str,
        group_id: str,
        topics: list[str],
        processor: IdempotentProcessor,
        max_records: int = 200,
    ) -> None:
        self.bootstrap_servers = bootstrap_servers
        self.group_id = group_id
        self.topics = topics
        self.processor = processor
        self.max_records = max_records
        self.started = asyncio.Event()

    async def run(self, stop: asyncio.Event) -> None:
        consumer = await start_consumer(self.bootstrap_servers, *self.topics, group_id=self.group_id)
        self.started.set()
        try:
            while not stop.is_set():
                batches = await consumer.getmany(timeout_ms=500, max_records=self.max_records)
                if not batches:
                    continue
                # One transaction and one offset commit for everything fetched: per-key order holds
                # because each partition's records keep their order in the combined batch.
                records = [ConsumedRecord.from_aiokafka(r) for partition in batches.values() for r in partition]
                await self.processor.process(records)
                await consumer.commit({partition: rs[-1].offset + 1 for partition, rs in batches.items()})
        finally:
            await consumer.stop()
            await self.processor.dead_letters.close()


def idempotent_consumer(
    consumer: str,
    topics: list[str] | tuple[str, ...],
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    bootstrap_servers: str,
    topic_prefix: str = "",
    handler: Handler | None = None,
    batch_handler: BatchHandler | None = None,
    max_attempts: int = 3,
) -> ConsumerRunner:
    """The usual wiring: the consumer's name is its group (under the deployment's prefix), and
    `topics` are logical names. Every plain consumer and saga participant is built this way."""
    processor = IdempotentProcessor(
        consumer,
        sessionmaker,
        DeadLetterPublisher(bootstrap_servers),
        handler=handler,
        batch_handler=batch_handler,
        max_attempts=max_attempts,
    )
    return ConsumerRunner(
        bootstrap_servers=bootstrap_servers,
        group_id=f"{topic_prefix}{consumer}",
        topics=[f"{topic_prefix}{topic}" for topic in topics],
        processor=processor,
    )
