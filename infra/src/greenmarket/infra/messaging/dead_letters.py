"""Dead-letter publishing: a record that cannot be processed goes to `<topic>.dlq` with the error."""

from __future__ import annotations

import traceback
from datetime import UTC, datetime

from prometheus_client import Counter

from greenmarket.infra.messaging.clients import start_producer
from greenmarket.infra.messaging.codec import ConsumedRecord
from greenmarket.infra.messaging.topics import dlq_name

DEAD_LETTERED = Counter("greenmarket_consumer_dead_lettered_total", "Records sent to a DLQ", ["consumer", "topic"])

DLQ_HEADER_PREFIX = "dlq."


def dlq_headers(record: ConsumedRecord, consumer: str, error: BaseException, attempts: int) -> list[tuple[str, bytes]]:
    kept = [(k, v) for k, v in record.headers if not k.startswith(DLQ_HEADER_PREFIX)]
    details = {
        "dlq.error.type": type(error).__name__,
        "dlq.error.message": str(error)[:2000],
        "dlq.error.stack": "".join(traceback.format_exception(error))[-4000:],
        "dlq.original.topic": record.topic,
        "dlq.original.partition": str(record.partition),
        "dlq.original.offset": str(record.offset),
        "dlq.consumer": consumer,
        "dlq.attempts": str(attempts),
        "dlq.failed_at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
    }
    return kept + [(k, v.encode()) for k, v in details.items()]


class DeadLetterPublisher:
    """Owns one producer, started on first use (most consumers never need it)."""

    def __init__(self, bootstrap_servers: str) -> None:
        self.bootstrap_servers = bootstrap_servers
        self._producer = None

    async def publish(self, record: ConsumedRecord, consumer: str, error: BaseException, attempts: int) -> None:
        if self._producer is None:
            self._producer = await start_producer(self.bootstrap_servers)
        await self._producer.send_and_wait(
            dlq_name(record.topic),
            value=record.value,
            key=record.key,
            headers=dlq_headers(record, consumer, error, attempts),
        )
        DEAD_LETTERED.labels(consumer, record.topic).inc()

    async def close(self) -> None:
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None
