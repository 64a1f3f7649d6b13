"""Kafka clients with bounded start-up: an unreachable broker is a clear error in seconds, not a hang."""

from __future__ import annotations

import asyncio

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaConnectionError, KafkaError

CONNECT_TIMEOUT_SECONDS = 10.0


class BrokerUnavailable(ConnectionError):
    def __init__(self, bootstrap_servers: str, cause: BaseException | None = None) -> None:
        super().__init__(
            f"Kafka is not reachable at {bootstrap_servers} (after {CONNECT_TIMEOUT_SECONDS:.0f} s): {cause!r}. "
            "Is the stack running? Try `greenmarket stack status`."
        )


async def _start(client, bootstrap_servers: str, timeout: float):
    try:
        await asyncio.wait_for(client.start(), timeout)
    except (TimeoutError, KafkaConnectionError, KafkaError, OSError) as exc:
        await _close_quietly(client)
        raise BrokerUnavailable(bootstrap_servers, exc) from exc
    return client


async def _close_quietly(client) -> None:
    try:
        await asyncio.wait_for(client.stop() if hasattr(client, "stop") else client.close(), 5)
    except Exception:  # noqa: BLE001 - best effort on a client that never started
        pass


async def start_producer(
    bootstrap_servers: str, *, timeout: float = CONNECT_TIMEOUT_SECONDS, **options
) -> AIOKafkaProducer:
    """An idempotent producer with acks=all: retries never duplicate or reorder within a partition."""
    producer = AIOKafkaProducer(
        bootstrap_servers=bootstrap_servers,
        enable_idempotence=True,
        acks="all",
        linger_ms=options.pop("linger_ms", 1),
        request_timeout_ms=options.pop("request_timeout_ms", 15000),
        **options,
    )
    return await _start(producer, bootstrap_servers, timeout)


async def start_consumer(
    bootstrap_servers: str, *topics: str, group_id: str | None, timeout: float = CONNECT_TIMEOUT_SECONDS, **options
) -> AIOKafkaConsumer:
    consumer = AIOKafkaConsumer(
        *topics,
        bootstrap_servers=bootstrap_servers,
        group_id=group_id,
        enable_auto_commit=False,
        auto_offset_reset=options.pop("auto_offset_reset", "earliest"),
        **options,
    )
    return await _start(consumer, bootstrap_servers, timeout)


async def start_admin(bootstrap_servers: str, *, timeout: float = CONNECT_TIMEOUT_SECONDS) -> AIOKafkaAdminClient:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap_servers, request_timeout_ms=int(timeout * 1000))
    return await _start(admin, bootstrap_servers, timeout)


async def delete_consumer_groups(admin: AIOKafkaAdminClient, names: list[str]) -> dict[str, int]:
    """Delete empty consumer groups; returns group → Kafka error code (0 = deleted).

    aiokafka's admin client has no public call for DeleteGroups, so the request goes to each
    group's coordinator through the client's request path.
    """
    from collections import defaultdict

    from aiokafka.protocol.admin import DeleteGroupsRequest

    by_coordinator: dict[int, list[str]] = defaultdict(list)
    for name in names:
        by_coordinator[await admin.find_coordinator(name)].append(name)
    results: dict[str, int] = {}
    for node, groups in by_coordinator.items():
        response = await admin._send_request_to_node(node, DeleteGroupsRequest(groups))  # noqa: SLF001
        results.update({group: error for group, error in response.results})
    return results
