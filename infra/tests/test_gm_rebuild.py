"""Projection rebuild on the real stack, with a throwaway spec and table defined here."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, delete, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert

from greenmarket.infra.db import create_engine, create_sessionmaker
from greenmarket.infra.messaging.clients import start_producer
from greenmarket.infra.messaging.codec import encode_value, record_headers
from greenmarket.infra.messaging.consumer import ConsumerRunner, IdempotentProcessor
from greenmarket.infra.messaging.dead_letters import DeadLetterPublisher
from greenmarket.infra.messaging.projections import ProjectionSpec
from greenmarket.infra.messaging.rebuild import UnknownProjection, find_projection, rebuild
from greenmarket.infra.messaging.tables import messaging_tables
from greenmarket.infra.messaging.topics import TopicSpec, ensure_topics
from greenmarket.schemas import Envelope
from support.kafka_reading import eventually, running

TOPIC = "rebuildtest.events"

metadata = MetaData()
messaging_tables(metadata)
counts = Table("rebuildtest_counts", metadata, Column("article", String(20), primary_key=True), Column("n", Integer))


async def reset_counts(session) -> None:
    await session.execute(delete(counts))


async def count_events(session, envelopes: list[Envelope]) -> None:
    per_article: dict[str, int] = {}
    for envelope in envelopes:
        per_article[envelope.aggregate_id] = per_article.get(envelope.aggregate_id, 0) + 1
    for article, n in per_article.items():
        statement = pg_insert(counts).values(article=article, n=n)
        await session.execute(statement.on_conflict_do_update(index_elements=["article"], set_={"n": counts.c.n + n}))


SPEC = ProjectionSpec(
    name="test.interest-counts",
    service="test",
    consumer="rebuildtest-counter",
    topics=(TOPIC,),
    reset=reset_counts,
    batch_handler=count_events,
)


@pytest.fixture
async def sessionmaker(database_url):
    engine = create_engine(database_url, pool_size=4)
    async with engine.begin() as connection:
        await connection.run_sync(metadata.create_all)
    yield create_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
async def topic(stack, topic_prefix):
    await ensure_topics(stack.bootstrap_servers, topic_prefix, (TopicSpec(TOPIC, partitions=3),))
    return f"{topic_prefix}{TOPIC}"


async def publish(bootstrap: str, topic: str, articles: list[str]) -> None:
    producer = await start_producer(bootstrap)
    try:
        for article in articles:
            envelope = Envelope(
                type="InterestAdded", producer="test", aggregate_type="article", aggregate_id=article, payload={}
            )
            await producer.send(topic, encode_value(envelope), key=article.encode(), headers=record_headers(envelope))
        await producer.flush()
    finally:
        await producer.stop()


async def view(sessionmaker) -> dict[str, int]:
    async with sessionmaker() as session:
        return {row.article: row.n for row in await session.execute(select(counts))}


async def test_rebuild_restores_a_corrupted_view(stack, topic_prefix, topic, sessionmaker):
    await publish(stack.bootstrap_servers, topic, ["a"] * 5 + ["b"] * 3)
    first = await rebuild(SPEC, sessionmaker, bootstrap_servers=stack.bootstrap_servers, topic_prefix=topic_prefix)
    assert first.records_replayed == 8 and first.claims_cleared == 0
    assert await view(sessionmaker) == {"a": 5, "b": 3}

    async with sessionmaker() as session, session.begin():
        await session.execute(update(counts).values(n=999))
    second = await rebuild(SPEC, sessionmaker, bootstrap_servers=stack.bootstrap_servers, topic_prefix=topic_prefix)
    assert second.claims_cleared == 8 and second.records_replayed == 8
    assert await view(sessionmaker) == {"a": 5, "b": 3}


async def test_rebuild_while_the_live_agent_consumes_applies_every_event_once(stack, topic_prefix, topic, sessionmaker):
    bootstrap = stack.bootstrap_servers
    await publish(bootstrap, topic, ["a"] * 40 + ["b"] * 20)
    processor = IdempotentProcessor(
        SPEC.consumer, sessionmaker, DeadLetterPublisher(bootstrap), batch_handler=SPEC.batch_handler
    )
    live = ConsumerRunner(
        bootstrap_servers=bootstrap,
        group_id=f"{topic_prefix}live-counter",
        topics=[topic],
        processor=processor,
        max_records=5,
    )
    async with running(live.run):

        async def live_caught_up():
            return await view(sessionmaker) == {"a": 40, "b": 20}

        await eventually(live_caught_up, timeout=30)
        # Producers keep going during the rebuild; the live agent and the replay race for each event.
        more = asyncio.create_task(publish(bootstrap, topic, ["a"] * 30 + ["c"] * 10))
        result = await rebuild(SPEC, sessionmaker, bootstrap_servers=bootstrap, topic_prefix=topic_prefix)
        await more
        assert result.claims_cleared >= 60

        async def converged():
            return await view(sessionmaker) == {"a": 70, "b": 20, "c": 10}

        await eventually(converged, timeout=30)


def test_an_unknown_projection_is_a_clear_error():
    with pytest.raises(UnknownProjection, match="no projection 'nope'"):
        find_projection("nope")
