"""Projections fed through real Kafka by the Faust agents process; deleted articles and accounts close rooms."""

from __future__ import annotations

import os
import subprocess
import sys

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from chat_test_helpers import (
    article_created,
    article_deleted,
    connected,
    free_port,
    status_changed,
    user_registered,
)
from sqlalchemy import select

from greenmarket.chat.models import OUTBOX
from greenmarket.infra.messaging.codec import encode_value, record_headers
from greenmarket.infra.messaging.topics import ensure_topics, topic_name
from greenmarket.schemas.events.user import UserDeleted
from support.kafka_reading import eventually
from greenmarket.infra.testing.tokens import bearer

SELLER, BUYER, BUYER2 = 10, 20, 21
pytestmark = pytest.mark.slow


async def produce(bootstrap_servers: str, topic: str, envelopes) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, enable_idempotence=True)
    await producer.start()
    try:
        for envelope in envelopes:
            await producer.send_and_wait(
                topic, encode_value(envelope), key=envelope.key.encode(), headers=record_headers(envelope)
            )
    finally:
        await producer.stop()


@pytest.fixture
async def kafka_settings(chat_settings, topic_prefix, stack):
    await ensure_topics(stack.bootstrap_servers, topic_prefix)
    return chat_settings.model_copy(update={"topic_prefix": topic_prefix})


@pytest.fixture
def agents_process(kafka_settings, tmp_path):
    """`python -m greenmarket.chat.agents`, as `greenmarket up` runs it."""
    env = {
        **os.environ,
        "DATABASE_URL": kafka_settings.database_url,
        "REDIS_URL": kafka_settings.redis_url,
        "KAFKA_BOOTSTRAP_SERVERS": kafka_settings.kafka_bootstrap_servers,
        "TOPIC_PREFIX": kafka_settings.topic_prefix,
        "AGENTS_PROBE_PORT": str(free_port()),
    }
    with open(tmp_path / "agents.log", "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "greenmarket.chat.agents"],
            env=env,
            cwd=tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    yield proc, tmp_path / "agents.log"
    proc.terminate()
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        proc.kill()


async def test_deleted_article_and_account_close_their_rooms_live(kafka_settings, chat_servers, agents_process, stack):
    proc, log_path = agents_process
    (server,) = await chat_servers(1, kafka_settings)
    product_topic = topic_name("product.events", kafka_settings.topic_prefix)
    user_topic = topic_name("user.events", kafka_settings.topic_prefix)
    await produce(stack.bootstrap_servers, product_topic, [article_created(1, SELLER), article_created(2, SELLER)])
    await produce(
        stack.bootstrap_servers, user_topic, [user_registered(SELLER, "판매자"), user_registered(BUYER, "구매자")]
    )

    async with httpx.AsyncClient(base_url=server.url) as http:

        async def projected() -> bool:
            assert proc.poll() is None, log_path.read_text()[-3000:]
            response = await http.post("/api/chat/rooms", json={"articleId": 1}, headers=bearer(BUYER))
            return response.status_code == 201 and response.json()["counterpart"]["nickname"] == "판매자"

        await eventually(projected, timeout=60, interval=0.3)
        room = (await http.get("/api/chat/rooms", params={"articleId": 1}, headers=bearer(BUYER))).json()["items"][0]
        other = (await http.post("/api/chat/rooms", json={"articleId": 2}, headers=bearer(BUYER2))).json()

        buyer = await connected(server.url, BUYER)
        seller = await connected(server.url, SELLER)
        buyer2 = await connected(server.url, BUYER2)
        try:
            assert (await buyer.send(room["id"], "아직 있나요?"))["ok"]
            await produce(stack.bootstrap_servers, product_topic, [status_changed(1, SELLER, "RESERVED")])

            async def status_projected() -> bool:
                view = await http.get(f"/api/chat/rooms/{room['id']}", headers=bearer(BUYER))
                return view.json()["article"]["status"] == "RESERVED"

            await eventually(status_projected, timeout=20)

            await produce(stack.bootstrap_servers, product_topic, [article_deleted(1, SELLER)])
            closed = {"roomId": room["id"], "reason": "ARTICLE_DELETED"}
            for client in (buyer, seller):
                await eventually(lambda client=client: _got(client, "room_closed", closed), timeout=20)
            system = [m for m in buyer.live_messages(room["id"]) if m["kind"] == "system"]
            assert len(system) == 1 and system[0]["senderId"] is None and system[0]["seq"] == 2
            view = (await http.get(f"/api/chat/rooms/{room['id']}", headers=bearer(SELLER))).json()
            assert view["status"] == "CLOSED"
            assert (await buyer.send(room["id"], "여보세요?"))["error"]["code"] == "room_closed"
            assert (
                await http.post("/api/chat/rooms", json={"articleId": 1}, headers=bearer(BUYER2))
            ).status_code == 404
            assert buyer2.events["room_closed"] == []

            # An account deletion closes that user's rooms the same way.
            deleted = UserDeleted(user_id=BUYER2).envelope(aggregate_id=BUYER2, producer="user")
            await produce(stack.bootstrap_servers, user_topic, [deleted])
            await eventually(
                lambda: _got(buyer2, "room_closed", {"roomId": other["id"], "reason": "ACCOUNT_DELETED"}), timeout=20
            )
            seller_view = (await http.get(f"/api/chat/rooms/{other['id']}", headers=bearer(SELLER))).json()
            assert seller_view["status"] == "CLOSED" and seller_view["counterpart"]["nickname"] is None
        finally:
            for client in (buyer, seller, buyer2):
                await client.close()

    async with server.sessionmaker() as session:
        types = [row.envelope["type"] for row in await session.execute(select(OUTBOX).order_by(OUTBOX.c.id))]
    assert types.count("ChatRoomClosed") == 2 and types.count("ChatRoomCreated") == 2
    assert types.count("MessageSent") == 3  # the buyer's message and two system notices


async def _got(client, event: str, expected: dict) -> bool:
    return expected in client.events[event]
