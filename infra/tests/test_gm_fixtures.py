"""The per-test topic namespace leaves nothing behind: neither topics nor consumer groups."""

from aiokafka import AIOKafkaProducer

from greenmarket.infra.messaging.clients import start_admin, start_consumer
from greenmarket.infra.messaging.topics import ensure_topics
from greenmarket.infra.testing.fixtures import fresh_topic_prefix


async def test_a_topic_prefix_deletes_its_topics_and_consumer_groups(stack):
    with fresh_topic_prefix(stack.bootstrap_servers) as prefix:
        await ensure_topics(stack.bootstrap_servers, prefix)
        producer = AIOKafkaProducer(bootstrap_servers=stack.bootstrap_servers)
        await producer.start()
        await producer.send_and_wait(prefix + "user.events", b"{}", key=b"1")
        await producer.stop()
        consumer = await start_consumer(
            stack.bootstrap_servers, prefix + "user.events", group_id=prefix + "fixture-check"
        )
        await consumer.getmany(timeout_ms=3000)
        await consumer.commit()
        await consumer.stop()

    admin = await start_admin(stack.bootstrap_servers)
    try:
        groups = [g[0] for g in await admin.list_consumer_groups()]
        topics = await admin.list_topics()
    finally:
        await admin.close()
    assert not [g for g in groups if g.startswith(prefix)]
    assert not [t for t in topics if t.startswith(prefix)]
