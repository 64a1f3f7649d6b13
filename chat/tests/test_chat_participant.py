"""The chat as a saga participant: commands from `chat.commands` through real Kafka, replies in the outbox."""

from __future__ import annotations

import uuid

import pytest
from aiokafka import AIOKafkaProducer
from chat_test_helpers import article_created, connected, open_room_as, seed
from sqlalchemy import select

from greenmarket.chat.models import OUTBOX, messages
from greenmarket.chat.worker import participant_component
from greenmarket.infra.messaging.codec import encode_value, record_headers
from greenmarket.infra.messaging.topics import ensure_topics, topic_name
from greenmarket.schemas import Envelope
from greenmarket.schemas.commands import (
    CloseUserRooms,
    ConfirmTradeRoom,
    PostTradeMessage,
)
from support.kafka_reading import eventually, running

SELLER, BUYER, OTHER = 10, 20, 30


def command(payload, saga_id: str | None = None) -> Envelope:
    saga_id = saga_id or str(uuid.uuid4())
    return payload.envelope(aggregate_id=saga_id, producer="sagas", correlation_id=saga_id)


async def deliver(bootstrap_servers: str, topic: str, envelopes: list[Envelope]) -> None:
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers, enable_idempotence=True)
    await producer.start()
    try:
        for envelope in envelopes:
            await producer.send_and_wait(
                topic, encode_value(envelope), key=envelope.key.encode(), headers=record_headers(envelope)
            )
    finally:
        await producer.stop()


async def replies(sessionmaker) -> dict[str, dict]:
    """CommandReply payloads in the outbox, by command id."""
    async with sessionmaker() as session:
        rows = await session.execute(select(OUTBOX.c.envelope).where(OUTBOX.c.topic == "saga.replies"))
        return {row.envelope["payload"]["commandId"]: row.envelope["payload"] for row in rows}


@pytest.fixture
async def kafka_settings(chat_settings, topic_prefix, stack):
    await ensure_topics(stack.bootstrap_servers, topic_prefix)
    return chat_settings.model_copy(update={"topic_prefix": topic_prefix, "worker_probe_port": None})


async def test_commands_twice_one_effect_and_refusals_reply_failure(kafka_settings, chat_servers, stack):
    (server,) = await chat_servers(1, kafka_settings)
    await seed(server.sessionmaker, product_events=[article_created(1, SELLER), article_created(2, SELLER)])
    import httpx

    async with httpx.AsyncClient(base_url=server.url) as http:
        room = await open_room_as(http, BUYER, 1)
        other_room = await open_room_as(http, OTHER, 2)
    buyer = await connected(server.url, BUYER)
    trade_id = str(uuid.uuid4())
    confirm = command(ConfirmTradeRoom(trade_id=trade_id, article_id=1, seller_id=SELLER, buyer_id=BUYER))
    no_room = command(ConfirmTradeRoom(trade_id=str(uuid.uuid4()), article_id=2, seller_id=SELLER, buyer_id=BUYER))
    wrong_seller = command(ConfirmTradeRoom(trade_id=str(uuid.uuid4()), article_id=1, seller_id=OTHER, buyer_id=BUYER))
    # Same saga, same key: the trade's commands arrive in order.
    post = command(
        PostTradeMessage(trade_id=trade_id, article_id=1, buyer_id=BUYER, text="거래가 완료되었습니다."),
        saga_id=confirm.aggregate_id,
    )
    topic = topic_name("chat.commands", kafka_settings.topic_prefix)
    try:
        async with running(participant_component(kafka_settings)):
            # Each command delivered twice, as at-least-once delivery may do.
            await deliver(stack.bootstrap_servers, topic, [confirm, confirm, no_room, wrong_seller, post, post])

            async def all_replied() -> bool:
                return len(await replies(server.sessionmaker)) == 4

            await eventually(all_replied, timeout=30)
            got = await replies(server.sessionmaker)
            assert got[str(confirm.event_id)]["outcome"] == "SUCCESS"
            assert got[str(confirm.event_id)]["data"]["roomId"] == room["id"]
            assert got[str(confirm.event_id)]["sagaId"] == confirm.aggregate_id
            assert got[str(post.event_id)]["outcome"] == "SUCCESS"
            for refused in (no_room, wrong_seller):
                assert got[str(refused.event_id)]["outcome"] == "FAILURE" and got[str(refused.event_id)]["reason"]

            async with server.sessionmaker() as session:
                texts = [
                    (row.kind, row.sender_id, row.seq, row.text)
                    for row in await session.execute(
                        select(messages).where(messages.c.room_id == room["id"]).order_by(messages.c.seq)
                    )
                ]
            assert [t[:3] for t in texts] == [("system", None, 1), ("system", None, 2)]
            assert texts[1][3] == "거래가 완료되었습니다."

            # The system messages reached the buyer's socket live, through the worker's Redis manager.
            await eventually(lambda: _live(buyer, room["id"], 2), timeout=10)

            # Account deletion: every room of the user closes, once, even when delivered twice.
            close = command(CloseUserRooms(user_id=SELLER))
            await deliver(stack.bootstrap_servers, topic, [close, close])

            async def closed_replied() -> bool:
                return str(close.event_id) in await replies(server.sessionmaker)

            await eventually(closed_replied, timeout=30)
            reply = (await replies(server.sessionmaker))[str(close.event_id)]
            assert reply["outcome"] == "SUCCESS" and sorted(reply["data"]["closedRoomIds"]) == sorted(
                [room["id"], other_room["id"]]
            )
            await eventually(lambda: _closed(buyer, room["id"]), timeout=10)

            # After the close, a trade cannot be confirmed in that room.
            late = command(ConfirmTradeRoom(trade_id=str(uuid.uuid4()), article_id=1, seller_id=SELLER, buyer_id=BUYER))
            await deliver(stack.bootstrap_servers, topic, [late])

            async def late_replied() -> bool:
                return str(late.event_id) in await replies(server.sessionmaker)

            await eventually(late_replied, timeout=30)
            assert (await replies(server.sessionmaker))[str(late.event_id)]["outcome"] == "FAILURE"
    finally:
        await buyer.close()

    async with server.sessionmaker() as session:
        closed_events = (await session.execute(select(OUTBOX.c.envelope).where(OUTBOX.c.topic == "chat.events"))).all()
    assert [e.envelope["type"] for e in closed_events].count("ChatRoomClosed") == 2


async def _live(client, room_id: int, count: int) -> bool:
    return len([m for m in client.live_messages(room_id) if m["kind"] == "system"]) >= count


async def _closed(client, room_id: int) -> bool:
    return {"roomId": room_id, "reason": "ACCOUNT_DELETED"} in client.events["room_closed"]
