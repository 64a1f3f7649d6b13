"""Socket.IO at /ws/chat with real clients on two chat servers sharing Redis and the database."""

from __future__ import annotations

import asyncio

import pytest
import socketio
from chat_test_helpers import ChatClient, article_created, connected, open_room_as, seed

from support.kafka_reading import eventually
from greenmarket.infra.testing.tokens import make_token

SELLER, BUYER, OTHER = 10, 20, 30


@pytest.fixture
async def two(chat_servers):
    servers = await chat_servers(2)
    await seed(servers[0].sessionmaker, product_events=[article_created(1, SELLER), article_created(2, SELLER)])
    return servers


@pytest.fixture
async def clients():
    made: list[ChatClient] = []

    async def make(url: str, user_id: int) -> ChatClient:
        client = await connected(url, user_id)
        made.append(client)
        return client

    yield make
    for client in made:
        await client.close()


async def room_on(server, buyer_id: int = BUYER, article_id: int = 1) -> dict:
    import httpx

    async with httpx.AsyncClient(base_url=server.url) as http:
        return await open_room_as(http, buyer_id, article_id)


async def test_a_bad_or_missing_token_is_refused_at_connect(server):
    for auth in (None, {"token": "garbage"}, {"token": make_token(BUYER, expires_in=-60)}):
        client = ChatClient(None)
        with pytest.raises(socketio.exceptions.ConnectionError) as refused:
            await client.connect(server.url, auth=auth or {})
        assert client.events["connect_error"] == [{"message": "unauthorized"}], refused.value
    # The x_auth cookie is accepted like auth.token.
    client = ChatClient(None)
    await client.connect(server.url, headers={"Cookie": f"x_auth={make_token(BUYER)}"})
    assert client.sio.connected
    await client.close()


async def test_only_members_send_sync_or_mark_read(two, clients):
    room = await room_on(two[0])
    intruder = await clients(two[0].url, OTHER)
    sent = await intruder.send(room["id"], "끼어들기")
    assert sent == {"ok": False, "error": {"code": "forbidden", "message": sent["error"]["message"]}}
    assert (await intruder.call("sync", {"roomId": room["id"], "afterSeq": 0}))["error"]["code"] == "forbidden"
    assert (await intruder.call("read", {"roomId": room["id"], "seq": 1}))["error"]["code"] == "forbidden"
    assert (await intruder.send(9999, "없는 방"))["error"]["code"] == "not_found"
    # The intruder's socket is still connected and usable: errors are acks, not disconnects.
    assert intruder.sio.connected
    buyer = await clients(two[0].url, BUYER)
    assert (await buyer.send(room["id"], "안녕하세요"))["ok"]
    await asyncio.sleep(0.3)  # give a wrong fan-out the chance to show up
    assert intruder.live_messages(room["id"]) == []


async def test_bad_payloads_are_error_acks(server, clients):
    await seed(server.sessionmaker, product_events=[article_created(1, SELLER)])
    room = await room_on(server)
    buyer = await clients(server.url, BUYER)
    for payload in (
        {"roomId": room["id"], "text": "", "clientMsgId": "a"},
        {"roomId": room["id"], "text": "   ", "clientMsgId": "b"},
        {"roomId": room["id"], "text": "가" * 1001, "clientMsgId": "c"},
        {"roomId": room["id"], "text": "hi"},
        {"roomId": "x", "text": "hi", "clientMsgId": "d"},
        "not an object",
        None,
    ):
        ack = await buyer.call("send_message", payload)
        assert ack["ok"] is False and ack["error"]["code"] == "invalid", payload
    assert (await buyer.send(room["id"], "가" * 1000))["ok"]
    assert buyer.sio.connected


async def test_a_message_reaches_members_on_the_other_server_and_the_senders_other_tab(two, clients):
    room = await room_on(two[0])
    seller = await clients(two[1].url, SELLER)
    buyer = await clients(two[0].url, BUYER)
    buyer_tab2 = await clients(two[1].url, BUYER)
    outsider = await clients(two[1].url, OTHER)
    ack = await buyer.send(room["id"], "네고 되나요?", "m-1")
    assert ack["ok"] is True
    message = ack["message"]
    assert (
        message["seq"] == 1
        and message["senderId"] == BUYER
        and message["kind"] == "user"
        and message["roomId"] == room["id"]
    )

    async def delivered():
        return seller.live_messages(room["id"]) == [message] and buyer_tab2.live_messages(room["id"]) == [message]

    await eventually(delivered, timeout=5)
    assert outsider.events["message"] == []


async def test_the_same_client_msg_id_stores_one_message(two, clients):
    room = await room_on(two[0])
    on_one = await clients(two[0].url, BUYER)
    on_two = await clients(two[1].url, BUYER)
    # The retry races the original on another server; and once more later.
    first, second = await asyncio.gather(
        on_one.send(room["id"], "한 번만", "retry-1"), on_two.send(room["id"], "한 번만", "retry-1")
    )
    third = await on_one.send(room["id"], "한 번만", "retry-1")
    assert first["ok"] and second["ok"] and third["ok"]
    assert first["message"] == second["message"] == third["message"]
    synced = await on_one.call("sync", {"roomId": room["id"], "afterSeq": 0})
    assert [m["text"] for m in synced["items"]] == ["한 번만"]
    # Another sender may use the same clientMsgId: ids are unique per sender.
    seller = await clients(two[1].url, SELLER)
    assert (await seller.send(room["id"], "판매자", "retry-1"))["message"]["seq"] == 2


async def test_seq_is_gapless_and_ordered_under_concurrent_senders(two, clients):
    room = await room_on(two[0])
    buyer = await clients(two[0].url, BUYER)
    seller = await clients(two[1].url, SELLER)
    watcher = await clients(two[1].url, BUYER)
    sends = [buyer.send(room["id"], f"b{n}") for n in range(15)] + [seller.send(room["id"], f"s{n}") for n in range(15)]
    acks = await asyncio.gather(*sends)
    assert all(ack["ok"] for ack in acks)
    assert sorted(ack["message"]["seq"] for ack in acks) == list(range(1, 31))
    synced = await buyer.call("sync", {"roomId": room["id"], "afterSeq": 0})
    assert [m["seq"] for m in synced["items"]] == list(range(1, 31))
    # Each sender's own messages keep the order they were acknowledged in.
    by_text = {m["text"]: m["seq"] for m in synced["items"]}
    await eventually(lambda: _count(watcher, room["id"], 30), timeout=10)
    # One server emits its room's messages in seq order (across servers, clients order by seq).
    for sender in (BUYER, SELLER):
        live = [m["seq"] for m in watcher.live_messages(room["id"]) if m["senderId"] == sender]
        assert live == sorted(live) and len(live) == 15
    assert len(by_text) == 30


async def _count(client: ChatClient, room_id: int, expected: int) -> bool:
    return len(client.live_messages(room_id)) >= expected


async def test_the_rate_limit_answers_with_an_error_ack(chat_servers, chat_settings, clients):
    limited = chat_settings.model_copy(update={"rate_limit_messages": 3, "rate_limit_window_seconds": 30})
    (server,) = await chat_servers(1, limited)
    await seed(server.sessionmaker, product_events=[article_created(1, SELLER)])
    room = await room_on(server)
    buyer = await clients(server.url, BUYER)
    acks = [await buyer.send(room["id"], f"도배 {n}", f"flood-{n}") for n in range(5)]
    assert [ack["ok"] for ack in acks] == [True, True, True, False, False]
    assert acks[3]["error"]["code"] == "rate_limited" and acks[3]["error"]["retryAfter"] > 0
    assert buyer.sio.connected
    # A retry of a message that was stored is still answered with it.
    retry = await buyer.send(room["id"], "도배 0", "flood-0")
    assert retry["ok"] and retry["message"] == acks[0]["message"]


async def test_a_new_room_reaches_the_online_seller_on_another_server_and_its_messages_too(two, clients):
    seller = await clients(two[1].url, SELLER)
    buyer = await clients(two[0].url, BUYER)
    room = await room_on(two[0])
    await eventually(lambda: _has(seller, "room_created", 1), timeout=5)
    announced = seller.events["room_created"][0]
    assert announced["id"] == room["id"] and announced["counterpart"]["id"] == BUYER
    await eventually(lambda: _has(buyer, "room_created", 1), timeout=5)
    # The seller's socket joined the room as the event arrived: live messages follow.
    assert (await buyer.send(room["id"], "살게요"))["ok"]
    await eventually(lambda: _count(seller, room["id"], 1), timeout=5)
    assert (await seller.send(room["id"], "네 좋아요"))["ok"]
    await eventually(lambda: _count(buyer, room["id"], 2), timeout=5)


async def _has(client: ChatClient, event: str, count: int) -> bool:
    return len(client.events[event]) >= count


async def test_read_marks_move_forward_and_are_announced(two, clients):
    room = await room_on(two[0])
    buyer = await clients(two[0].url, BUYER)
    seller = await clients(two[1].url, SELLER)
    for n in range(3):
        assert (await buyer.send(room["id"], f"{n}"))["ok"]
    assert (await seller.call("read", {"roomId": room["id"], "seq": 2})) == {"ok": True, "seq": 2}
    await eventually(lambda: _read_seen(buyer, {"roomId": room["id"], "userId": SELLER, "seq": 2}), timeout=5)
    assert (await seller.call("read", {"roomId": room["id"], "seq": 1}))["seq"] == 2  # never backwards
    assert (await seller.call("read", {"roomId": room["id"], "seq": 99}))["seq"] == 3  # never past the end
    assert (await seller.call("read", {"roomId": room["id"], "seq": -1}))["error"]["code"] == "invalid"
    import httpx

    from greenmarket.infra.testing.tokens import bearer

    async with httpx.AsyncClient(base_url=two[0].url) as http:
        seller_view = (await http.get(f"/api/chat/rooms/{room['id']}", headers=bearer(SELLER))).json()
        buyer_view = (await http.get(f"/api/chat/rooms/{room['id']}", headers=bearer(BUYER))).json()
    assert seller_view["unreadCount"] == 0 and buyer_view["unreadCount"] == 0


async def _read_seen(client: ChatClient, expected: dict) -> bool:
    return expected in client.events["read"]


async def test_sync_returns_what_was_missed(two, clients):
    room = await room_on(two[0])
    buyer = await clients(two[0].url, BUYER)
    for n in range(5):
        assert (await buyer.send(room["id"], f"{n}"))["ok"]
    seller = await clients(two[1].url, SELLER)
    synced = await seller.call("sync", {"roomId": room["id"], "afterSeq": 2})
    assert synced["ok"] and [m["seq"] for m in synced["items"]] == [3, 4, 5] and synced["hasMore"] is False
    assert (await seller.call("sync", {"roomId": room["id"], "afterSeq": -5}))["error"]["code"] == "invalid"
