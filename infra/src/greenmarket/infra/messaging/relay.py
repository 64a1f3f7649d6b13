"""The outbox relay: publishes committed outbox rows to Kafka in order, then marks them.

One relay per service database is active at a time (a Postgres advisory lock elects it), so rows
are published in id order and events of one aggregate keep their order on their partition. It
wakes on NOTIFY from the outbox trigger and polls as a fallback. A crash between publishing and
marking re-publishes those rows on restart: consumers are idempotent by eventId, so at-least-once
is enough.
"""

from __future__ import annotations

import asyncio
import logging
import time

import asyncpg
from prometheus_client import Counter, Gauge, Histogram

from greenmarket.infra.messaging.clients import start_producer
from greenmarket.infra.messaging.tables import OUTBOX_CHANNEL

log = logging.getLogger(__name__)

RELAY_LOCK_KEY = 0x6F7574626F78  # "outbox": one leader per database

PUBLISHED = Counter("greenmarket_outbox_published_total", "Outbox rows published to Kafka", ["topic"])
BACKLOG = Gauge("greenmarket_outbox_backlog", "Outbox rows not yet published")
PUBLISH_LATENCY = Histogram(
    "greenmarket_outbox_publish_latency_seconds",
    "From outbox commit to the broker's acknowledgement",
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5),
)
IS_LEADER = Gauge("greenmarket_outbox_relay_leader", "1 while this relay holds the leader lock")


def asyncpg_dsn(database_url: str) -> str:
    """SQLAlchemy's `postgresql+asyncpg://` URL as a plain libpq DSN."""
    return database_url.replace("postgresql+asyncpg://", "postgresql://", 1)


class OutboxRelay:
    def __init__(
        self,
        database_url: str,
        bootstrap_servers: str,
        *,
        topic_prefix: str = "",
        batch_size: int = 500,
        poll_interval: float = 1.0,
        retention_seconds: float = 3600.0,
    ) -> None:
        self.dsn = asyncpg_dsn(database_url)
        self.bootstrap_servers = bootstrap_servers
        self.topic_prefix = topic_prefix
        self.batch_size = batch_size
        self.poll_interval = poll_interval
        self.retention_seconds = retention_seconds
        self._wake = asyncio.Event()
        self.is_leader = False

    async def run(self, stop: asyncio.Event) -> None:
        """Run until `stop` is set, reconnecting after database or broker failures."""
        while not stop.is_set():
            try:
                await self._run_as_leader(stop)
            except (OSError, asyncpg.PostgresError, ConnectionError) as exc:
                log.warning("relay interrupted, retrying in 1 s: %r", exc)
                self.is_leader = False
                IS_LEADER.set(0)
                await _sleep_or_stop(stop, 1.0)

    async def _run_as_leader(self, stop: asyncio.Event) -> None:
        connection = await asyncpg.connect(self.dsn, timeout=5)
        try:
            while not await connection.fetchval("SELECT pg_try_advisory_lock($1)", RELAY_LOCK_KEY):
                if await _sleep_or_stop(stop, 1.0):
                    return
            self.is_leader = True
            IS_LEADER.set(1)
            await connection.add_listener(OUTBOX_CHANNEL, lambda *_: self._wake.set())
            producer = await start_producer(self.bootstrap_servers)
            try:
                await self._publish_loop(connection, producer, stop)
            finally:
                await producer.stop()
        finally:
            self.is_leader = False
            IS_LEADER.set(0)
            await connection.close()

    async def _publish_loop(self, connection, producer, stop: asyncio.Event) -> None:
        last_cleanup = 0.0
        while not stop.is_set():
            self._wake.clear()
            published = await self.publish_batch(connection, producer)
            if time.monotonic() - last_cleanup > 60:
                await self._delete_old(connection)
                last_cleanup = time.monotonic()
            if published < self.batch_size:
                BACKLOG.set(0 if published == 0 else await self.backlog(connection))
                waiter = asyncio.ensure_future(self._wake.wait())
                stopper = asyncio.ensure_future(stop.wait())
                await asyncio.wait({waiter, stopper}, timeout=self.poll_interval, return_when=asyncio.FIRST_COMPLETED)
                waiter.cancel()
                stopper.cancel()

    async def publish_batch(self, connection, producer) -> int:
        rows = await connection.fetch(
            "SELECT id, topic, message_key, envelope::text AS value, traceparent, event_id, envelope->>'type' AS type,"
            " extract(epoch FROM created_at) AS created FROM outbox WHERE published_at IS NULL ORDER BY id LIMIT $1",
            self.batch_size,
        )
        if not rows:
            return 0
        deliveries = []
        for row in rows:
            headers = [
                ("eventId", str(row["event_id"]).encode()),
                ("type", row["type"].encode()),
                ("traceparent", row["traceparent"].encode()),
            ]
            # send() only enqueues; awaiting the deliveries together lets the producer batch them.
            deliveries.append(
                await producer.send(
                    self.topic_prefix + row["topic"],
                    value=row["value"].encode(),
                    key=row["message_key"].encode(),
                    headers=headers,
                )
            )
        await asyncio.gather(*deliveries)
        await connection.execute(
            "UPDATE outbox SET published_at = now() WHERE id = ANY($1::bigint[])", [row["id"] for row in rows]
        )
        now = time.time()
        for row in rows:
            PUBLISHED.labels(row["topic"]).inc()
            PUBLISH_LATENCY.observe(max(0.0, now - float(row["created"])))
        return len(rows)

    async def backlog(self, connection) -> int:
        return await connection.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL")

    async def _delete_old(self, connection) -> None:
        await connection.execute(
            "DELETE FROM outbox WHERE published_at < now() - make_interval(secs => $1)", self.retention_seconds
        )


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> bool:
    try:
        await asyncio.wait_for(stop.wait(), seconds)
        return True
    except TimeoutError:
        return False
