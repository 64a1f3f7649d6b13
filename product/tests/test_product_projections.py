"""The interest-count and seller projections on real Kafka: duplicates, replays, a restart mid-batch."""

from __future__ import annotations

from product_test_helpers import create, insert_articles, outbox_events, produce
from sqlalchemy import select

from greenmarket.infra.messaging.codec import ConsumedRecord
from greenmarket.infra.messaging.consumer import ConsumerRunner, IdempotentProcessor
from greenmarket.infra.messaging.dead_letters import DeadLetterPublisher
from greenmarket.infra.messaging.topics import ensure_topics, topic_name
from greenmarket.infra.testing.tokens import bearer
from greenmarket.product.models import articles
from greenmarket.product.projections import INTEREST_COUNTS, SELLERS, fold_interest_deltas
from greenmarket.schemas import Envelope
from greenmarket.schemas.events.product import InterestAdded, InterestRemoved
from greenmarket.schemas.events.user import UserDeleted, UserProfileUpdated, UserRegistered
from support.kafka_reading import eventually, read_records, relay_for, running


def processor(spec, sessionmaker, stack) -> IdempotentProcessor:
    return IdempotentProcessor(
        spec.consumer, sessionmaker, DeadLetterPublisher(stack.bootstrap_servers), batch_handler=spec.batch_handler
    )


def runner(spec, sessionmaker, stack, topic_prefix, *, max_records: int = 200) -> ConsumerRunner:
    return ConsumerRunner(
        bootstrap_servers=stack.bootstrap_servers,
        group_id=f"{topic_prefix}{spec.consumer}",
        topics=[topic_name(t, topic_prefix) for t in spec.topics],
        processor=processor(spec, sessionmaker, stack),
        max_records=max_records,
    )


async def interest_count(sessionmaker, article_id: int) -> int:
    async with sessionmaker() as session:
        return (
            await session.execute(select(articles.c.interest_count).where(articles.c.id == article_id))
        ).scalar_one()


def test_a_batch_folds_into_one_delta_per_article():
    events = [
        InterestAdded(article_id=1, user_id=2).envelope(aggregate_id=1, producer="product"),
        InterestAdded(article_id=1, user_id=3).envelope(aggregate_id=1, producer="product"),
        InterestRemoved(article_id=1, user_id=2).envelope(aggregate_id=1, producer="product"),
        InterestAdded(article_id=2, user_id=3).envelope(aggregate_id=2, producer="product"),
        InterestRemoved(article_id=2, user_id=3).envelope(aggregate_id=2, producer="product"),
    ]
    assert fold_interest_deltas(events) == {1: 1}


async def test_interest_count_converges_exactly_under_duplicates_and_a_restart_mid_batch(
    client, sessionmaker, stack, topic_prefix, product_settings
):
    await ensure_topics(stack.bootstrap_servers, topic_prefix)
    article = await create(client, 1)
    (other,) = await insert_articles(sessionmaker, [{}])
    for user_id in range(10, 40):  # 30 interests
        assert (
            await client.post(f"/api/products/{article['id']}/interest", headers=bearer(user_id))
        ).status_code == 201
    for user_id in range(10, 15):  # 5 removed
        assert (
            await client.delete(f"/api/products/{article['id']}/interest", headers=bearer(user_id))
        ).status_code == 204
    assert (await client.post(f"/api/products/{other}/interest", headers=bearer(5))).status_code == 201
    topic = topic_name("product.events", topic_prefix)

    async with running(relay_for(product_settings.database_url, stack.bootstrap_servers, topic_prefix).run):
        records = await read_records(stack.bootstrap_servers, topic, expected=37)
    assert len([r for r in records if b"Interest" in r.value]) == 36

    # Every interest event published a second time (a producer retry, a relay re-run).
    duplicates = [Envelope(**e) for e in await outbox_events(sessionmaker, "InterestAdded", "InterestRemoved")]
    await produce(stack.bootstrap_servers, topic, duplicates)

    # A worker that applied part of its records and died before committing offsets: those
    # records are consumed again after the restart.
    crashed = processor(INTEREST_COUNTS, sessionmaker, stack)
    await crashed.process([ConsumedRecord.from_aiokafka(r) for r in records[:20]])
    await crashed.dead_letters.close()
    partial = await interest_count(sessionmaker, article["id"])
    assert 0 < partial <= 25

    # Small batches, so the batch path runs many times; stopped halfway and restarted.
    first = runner(INTEREST_COUNTS, sessionmaker, stack, topic_prefix, max_records=7)
    async with running(first.run):
        await first.started.wait()
        await eventually(lambda: _count_at_least(sessionmaker, article["id"], partial + 1))
    second = runner(INTEREST_COUNTS, sessionmaker, stack, topic_prefix, max_records=7)
    async with running(second.run):
        await eventually(lambda: _count_is(sessionmaker, article["id"], 25))
        await eventually(lambda: _count_is(sessionmaker, other, 1))
    assert await interest_count(sessionmaker, article["id"]) == 25
    shown = (await client.get(f"/api/products/{article['id']}")).json()
    assert shown["interestCount"] == 25


async def _count_is(sessionmaker, article_id: int, expected: int) -> bool:
    return await interest_count(sessionmaker, article_id) == expected


async def _count_at_least(sessionmaker, article_id: int, expected: int) -> bool:
    return await interest_count(sessionmaker, article_id) >= expected


async def test_seller_profiles_come_from_user_events(client, sessionmaker, stack, topic_prefix):
    await ensure_topics(stack.bootstrap_servers, topic_prefix)
    article = await create(client, 42)
    other = await create(client, 43)
    topic = topic_name("user.events", topic_prefix)
    registered = UserRegistered(user_id=42, nickname="초록이", address1="서울특별시", address2="마포구").envelope(
        aggregate_id=42, producer="user"
    )
    updated = UserProfileUpdated(
        user_id=42,
        nickname="초록초록",
        address1="서울특별시",
        address2="은평구",
        profile_image_url="/media/profiles/a.jpg",
    ).envelope(aggregate_id=42, producer="user")
    await produce(stack.bootstrap_servers, topic, [registered, updated, registered])  # a duplicate too

    async with running(runner(SELLERS, sessionmaker, stack, topic_prefix).run):

        async def profile_updated() -> bool:
            seller = (await client.get(f"/api/products/{article['id']}")).json()["seller"]
            return seller["nickname"] == "초록초록"

        await eventually(profile_updated)
        seller = (await client.get(f"/api/products/{article['id']}")).json()["seller"]
        assert seller == {
            "id": 42,
            "nickname": "초록초록",
            "profileImageUrl": "/media/profiles/a.jpg",
            "address1": "서울특별시",
            "address2": "은평구",
        }
        await produce(
            stack.bootstrap_servers, topic, [UserDeleted(user_id=42).envelope(aggregate_id=42, producer="user")]
        )

        async def hidden() -> bool:
            return (await client.get(f"/api/products/{article['id']}")).status_code == 404

        await eventually(hidden)
    listed = [a["id"] for a in (await client.get("/api/products")).json()["items"]]
    assert listed == [other["id"]]
