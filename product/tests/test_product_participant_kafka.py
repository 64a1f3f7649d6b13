"""The participant worker on real Kafka: commands in on product.commands, replies out on saga.replies."""

from __future__ import annotations

import uuid

from product_test_helpers import create, produce

from greenmarket.infra.messaging.topics import ensure_topics, topic_name
from greenmarket.product.worker import participant
from greenmarket.schemas.commands import ReserveArticle
from support.kafka_reading import read_envelopes, relay_for, running


async def test_commands_over_kafka_reply_once_each(client, sessionmaker, stack, topic_prefix, product_settings):
    await ensure_topics(stack.bootstrap_servers, topic_prefix)
    article = await create(client, 1)
    saga_id = str(uuid.uuid4())
    trade = str(uuid.uuid4())
    reserve = ReserveArticle(trade_id=trade, article_id=article["id"], seller_id=1, buyer_id=2).envelope(
        aggregate_id=saga_id, producer="sagas", correlation_id=saga_id
    )
    rival = ReserveArticle(trade_id=str(uuid.uuid4()), article_id=article["id"], seller_id=1, buyer_id=3).envelope(
        aggregate_id=saga_id, producer="sagas", correlation_id=saga_id
    )
    # The same command twice (a redelivery), then a second trade racing for the same article.
    await produce(stack.bootstrap_servers, topic_name("product.commands", topic_prefix), [reserve, reserve, rival])

    worker = participant().runner(sessionmaker, bootstrap_servers=stack.bootstrap_servers, topic_prefix=topic_prefix)
    relay = relay_for(product_settings.database_url, stack.bootstrap_servers, topic_prefix)
    async with running(worker.run), running(relay.run):
        replies = await read_envelopes(stack.bootstrap_servers, topic_name("saga.replies", topic_prefix), expected=2)
    assert len(replies) == 2
    by_command = {r.causation_id: r.payload for r in replies}
    assert by_command[str(reserve.event_id)]["outcome"] == "SUCCESS"
    assert by_command[str(rival.event_id)]["outcome"] == "FAILURE"
    assert all(r.key == saga_id and r.correlation_id == saga_id for r in replies)
    shown = (await client.get(f"/api/products/{article['id']}")).json()
    assert shown["status"] == "RESERVED"
