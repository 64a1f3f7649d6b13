"""Every Kafka topic Greenmarket uses, declared in code and created or checked at start-up."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from aiokafka.admin import NewTopic

from greenmarket.infra.messaging.clients import start_admin

log = logging.getLogger(__name__)

DAY_MS = 24 * 3600 * 1000


@dataclass(frozen=True)
class TopicSpec:
    name: str
    partitions: int
    retention_ms: int = 7 * DAY_MS
    cleanup_policy: str = "delete"

    def configs(self) -> dict[str, str]:
        return {"retention.ms": str(self.retention_ms), "cleanup.policy": self.cleanup_policy}


EVENT_TOPICS = ("user.events", "product.events", "chat.events", "trade.events")
COMMAND_TOPICS = ("user.commands", "product.commands", "chat.commands")
REPLY_TOPIC = "saga.replies"


def dlq_name(topic: str) -> str:
    return f"{topic}.dlq"


def _declarations() -> tuple[TopicSpec, ...]:
    specs = [TopicSpec(name, partitions=6, retention_ms=30 * DAY_MS) for name in EVENT_TOPICS]
    specs += [TopicSpec(name, partitions=3) for name in COMMAND_TOPICS]
    specs.append(TopicSpec(REPLY_TOPIC, partitions=6))
    # Every consumed topic has a dead-letter topic; records stay there until an operator acts.
    specs += [TopicSpec(dlq_name(s.name), partitions=1, retention_ms=30 * DAY_MS) for s in list(specs)]
    return tuple(specs)


TOPICS: tuple[TopicSpec, ...] = _declarations()


def topic_name(name: str, prefix: str = "") -> str:
    return f"{prefix}{name}"


async def _wait_for_leaders(admin, names: list[str], timeout: float = 15.0) -> None:
    # A new topic answers "not leader" for a moment; callers may produce right away.
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        descriptions = await admin.describe_topics(names)
        if all(
            description["error_code"] == 0 and all(p["leader"] >= 0 for p in description["partitions"])
            for description in descriptions
        ):
            return
        if asyncio.get_running_loop().time() > deadline:
            raise TimeoutError(f"topics have no leader after {timeout:.0f} s: {', '.join(names)}")
        await asyncio.sleep(0.1)


class TopicMismatch(RuntimeError):
    """A topic exists with settings other than the declared ones."""


async def ensure_topics(
    bootstrap_servers: str,
    prefix: str = "",
    topics: tuple[TopicSpec, ...] = TOPICS,
    *,
    replication_factor: int = 1,
) -> list[str]:
    """Create missing topics; raise TopicMismatch when an existing one has fewer/more partitions.

    Returns the names that were created.
    """
    admin = await start_admin(bootstrap_servers)
    try:
        existing = set(await admin.list_topics())
        wanted = {topic_name(spec.name, prefix): spec for spec in topics}
        missing = [
            NewTopic(name, spec.partitions, replication_factor, topic_configs=spec.configs())
            for name, spec in wanted.items()
            if name not in existing
        ]
        if missing:
            await admin.create_topics(missing)
            await _wait_for_leaders(admin, [t.name for t in missing])
            log.info("created topics: %s", ", ".join(t.name for t in missing))
        present = [name for name in wanted if name in existing]
        if present:
            mismatches = []
            for description in await admin.describe_topics(present):
                name = description["topic"]
                partitions = len(description["partitions"])
                if partitions != wanted[name].partitions:
                    mismatches.append(f"{name}: {partitions} partitions, declared {wanted[name].partitions}")
            if mismatches:
                raise TopicMismatch("topics differ from their declaration: " + "; ".join(mismatches))
        return [t.name for t in missing]
    finally:
        await admin.close()
