"""Rebuilding a projection from its topics while the live agent keeps consuming.

`greenmarket projections rebuild NAME`:
1. One short transaction: `LOCK TABLE processed_events IN SHARE ROW EXCLUSIVE MODE`, then
   `spec.reset(session)` (empties the view) and delete the consumer's `processed_events` rows.
   The table lock waits for every transaction that is claiming events right now and holds new
   claims back until this transaction commits. Locking only the consumer's existing rows would
   not do: a live batch that commits between the reset and the delete would lose its claim but
   keep its effect, and the replay would apply it twice.
2. Replay the spec's topics from the beginning up to the end offsets read at the start, with a
   group-less consumer (the live group's offsets are untouched), through an
   `IdempotentProcessor(spec.consumer, ...)` with the spec's batch handler.

While this runs the live agent keeps consuming new events and applies them to the emptied view,
claiming each `(consumer, eventId)`. The replay claims the same ids, so whichever of the two gets
an event first applies it and the other skips it: no event is applied twice, none is lost.
Readers see the view grow back from empty during the replay (counts converge when it ends);
a view that must not look empty meanwhile needs a shadow table, which no projection needs yet.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from importlib.metadata import entry_points

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from greenmarket.infra.messaging.clients import start_consumer
from greenmarket.infra.messaging.codec import ConsumedRecord
from greenmarket.infra.messaging.consumer import IdempotentProcessor
from greenmarket.infra.messaging.dead_letters import DeadLetterPublisher
from greenmarket.infra.messaging.dlq_tools import topic_partitions
from greenmarket.infra.messaging.projections import ProjectionSpec
from greenmarket.infra.messaging.topics import topic_name

log = logging.getLogger(__name__)

PROJECTIONS_GROUP = "greenmarket.projections"
REPLAY_TIMEOUT_SECONDS = 600.0


class UnknownProjection(LookupError):
    pass


@dataclass(frozen=True)
class RebuildResult:
    name: str
    claims_cleared: int
    records_replayed: int
    seconds: float


def discover_projections() -> dict[str, ProjectionSpec]:
    """Every ProjectionSpec registered under the `greenmarket.projections` entry-point group."""
    specs = {}
    for ep in entry_points(group=PROJECTIONS_GROUP):
        spec = ep.load()
        if not isinstance(spec, ProjectionSpec):
            raise TypeError(f"{ep.value} is not a ProjectionSpec")
        specs[spec.name] = spec
    return dict(sorted(specs.items()))


def find_projection(name: str) -> ProjectionSpec:
    specs = discover_projections()
    if name not in specs:
        raise UnknownProjection(f"no projection {name!r}; known: {', '.join(specs) or 'none'}")
    return specs[name]


async def reset_projection(spec: ProjectionSpec, sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    """Step 1: empty the view and forget what its consumer processed, atomically. Returns claims cleared."""
    async with sessionmaker() as session, session.begin():
        await session.execute(text("LOCK TABLE processed_events IN SHARE ROW EXCLUSIVE MODE"))
        await spec.reset(session)
        result = await session.execute(
            text("DELETE FROM processed_events WHERE consumer = :consumer"), {"consumer": spec.consumer}
        )
        return result.rowcount or 0


async def replay(
    spec: ProjectionSpec,
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    bootstrap_servers: str,
    topic_prefix: str = "",
    max_records: int = 500,
) -> int:
    """Step 2: feed the spec's topics, from the beginning to today's end, through the idempotent processor."""
    dead_letters = DeadLetterPublisher(bootstrap_servers)
    processor = IdempotentProcessor(spec.consumer, sessionmaker, dead_letters, batch_handler=spec.batch_handler)
    consumer = await start_consumer(bootstrap_servers, group_id=None)
    replayed = 0
    try:
        tps = await topic_partitions(bootstrap_servers, [topic_name(t, topic_prefix) for t in spec.topics])
        if not tps:
            return 0
        consumer.assign(tps)
        ends = await consumer.end_offsets(tps)
        starts = await consumer.beginning_offsets(tps)
        remaining = {tp for tp in tps if ends[tp] > starts[tp]}
        await consumer.seek_to_beginning(*tps)
        deadline = time.monotonic() + REPLAY_TIMEOUT_SECONDS
        while remaining:
            if time.monotonic() > deadline:
                raise TimeoutError(f"replay of {spec.name} did not reach the end offsets in time")
            batches = await consumer.getmany(*remaining, timeout_ms=500, max_records=max_records)
            for tp, records in batches.items():
                wanted = [r for r in records if r.offset < ends[tp]]
                if wanted:
                    await processor.process([ConsumedRecord.from_aiokafka(r) for r in wanted])
                    replayed += len(wanted)
                if records and records[-1].offset >= ends[tp] - 1:
                    remaining.discard(tp)
                    consumer.pause(tp)
            for tp in list(remaining):
                # Transaction markers or deleted records can leave the position at the end without a record.
                if await consumer.position(tp) >= ends[tp]:
                    remaining.discard(tp)
    finally:
        await consumer.stop()
        await dead_letters.close()
    return replayed


async def rebuild(
    spec: ProjectionSpec,
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    bootstrap_servers: str,
    topic_prefix: str = "",
) -> RebuildResult:
    started = time.perf_counter()
    cleared = await reset_projection(spec, sessionmaker)
    log.info("projection %s reset (%d claims cleared); replaying %s", spec.name, cleared, ", ".join(spec.topics))
    replayed = await replay(spec, sessionmaker, bootstrap_servers=bootstrap_servers, topic_prefix=topic_prefix)
    return RebuildResult(spec.name, cleared, replayed, round(time.perf_counter() - started, 3))
