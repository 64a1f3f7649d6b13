"""REST endpoints of CONTRACT §Chat: success, every error case, and who may see what."""

from __future__ import annotations

from chat_test_helpers import (
    article_created,
    article_deleted,
    connected,
    open_room_as,
    seed,
    status_changed,
    user_registered,
)

from greenmarket.infra.testing.tokens import bearer, make_token

SELLER, BUYER, OTHER = 10, 20, 30


async def seed_market(server, *, status: str = "ON_SALE") -> None:
    await seed(
        server.sessionmaker,
        product_events=[article_created(1, SELLER, status=status)],
        user_events=[user_registered(SELLER, "판매자"), user_registered(BUYER, "구매자")],
    )


async def test_open_room_201_then_200_with_article_and_counterpart(server, http):
    await seed_market(server)
    first = await http.post("/api/chat/rooms", json={"articleId": 1}, headers=bearer(BUYER))
    assert first.status_code == 201, first.text
    room = first.json()
    assert room["articleId"] == 1 and room["buyerId"] == BUYER and room["sellerId"] == SELLER
    assert room["status"] == "OPEN" and room["unreadCount"] == 0 and room["lastMessage"] is None
    assert room["article"] == {
        "id": 1,
        "title": "자전거 팝니다",
        "price": 50000,
        "status": "ON_SALE",
        "thumbUrl": "/media/articles/1/thumb.webp",
    }
    assert room["counterpart"] == {"id": SELLER, "nickname": "판매자", "profileImageUrl": None}
    assert room["createdAt"].endswith("Z")

    again = await http.post("/api/chat/rooms", json={"articleId": 1}, headers=bearer(BUYER))
    assert again.status_code == 200 and again.json()["id"] == room["id"]

    as_seller = await http.get(f"/api/chat/rooms/{room['id']}", headers=bearer(SELLER))
    assert as_seller.status_code == 200
    assert as_seller.json()["counterpart"]["nickname"] == "구매자"


async def test_open_room_errors(server, http):
    await seed(
        server.sessionmaker,
        product_events=[
            article_created(1, SELLER),
            article_created(2, SELLER, status="SOLD"),
            article_created(3, SELLER),
            article_deleted(3, SELLER),
        ],
    )
    assert (await http.post("/api/chat/rooms", json={"articleId": 1})).status_code == 401
    bad_token = await http.post("/api/chat/rooms", json={"articleId": 1}, headers={"Authorization": "Bearer nonsense"})
    assert bad_token.status_code == 401
    assert bad_token.headers["content-type"].startswith("application/problem+json")
    expired = await http.post(
        "/api/chat/rooms",
        json={"articleId": 1},
        headers={"Authorization": f"Bearer {make_token(BUYER, expires_in=-60)}"},
    )
    assert expired.status_code == 401
    assert (await http.post("/api/chat/rooms", json={"articleId": 1}, headers=bearer(SELLER))).status_code == 403
    assert (await http.post("/api/chat/rooms", json={"articleId": 999}, headers=bearer(BUYER))).status_code == 404
    assert (await http.post("/api/chat/rooms", json={"articleId": 3}, headers=bearer(BUYER))).status_code == 404
    sold = await http.post("/api/chat/rooms", json={"articleId": 2}, headers=bearer(BUYER))
    assert sold.status_code == 409 and sold.json()["status"] == 409
    invalid = await http.post("/api/chat/rooms", json={"articleId": "x"}, headers=bearer(BUYER))
    assert invalid.status_code == 422 and invalid.json()["errors"][0]["field"] == "articleId"
    assert (await http.post("/api/chat/rooms", content=b"{", headers=bearer(BUYER))).status_code == 422


async def test_existing_room_is_returned_even_after_the_article_sold(server, http):
    await seed_market(server)
    room = await open_room_as(http, BUYER, 1)
    await seed(server.sessionmaker, product_events=[status_changed(1, SELLER, "SOLD")])
    again = await http.post("/api/chat/rooms", json={"articleId": 1}, headers=bearer(BUYER))
    assert again.status_code == 200 and again.json()["article"]["status"] == "SOLD"
    assert (await http.post("/api/chat/rooms", json={"articleId": 1}, headers=bearer(OTHER))).status_code == 409
    assert again.json()["id"] == room["id"]


async def test_room_list_is_mine_only_newest_activity_first(server, http):
    await seed(server.sessionmaker, product_events=[article_created(1, SELLER), article_created(2, SELLER)])
    older = await open_room_as(http, BUYER, 1)
    newer = await open_room_as(http, BUYER, 2)
    other = await open_room_as(http, OTHER, 1)
    client = await connected(server.url, BUYER)
    try:
        assert (await client.send(older["id"], "먼저 방이 위로"))["ok"]
    finally:
        await client.close()

    mine = await http.get("/api/chat/rooms", headers=bearer(BUYER))
    assert mine.status_code == 200
    assert [r["id"] for r in mine.json()["items"]] == [older["id"], newer["id"]]
    assert mine.json()["items"][0]["lastMessage"]["text"] == "먼저 방이 위로"

    seller_rooms = (await http.get("/api/chat/rooms", headers=bearer(SELLER))).json()["items"]
    assert {r["id"] for r in seller_rooms} == {older["id"], newer["id"], other["id"]}
    assert next(r for r in seller_rooms if r["id"] == older["id"])["unreadCount"] == 1

    by_article = await http.get("/api/chat/rooms", params={"articleId": 2}, headers=bearer(BUYER))
    assert [r["id"] for r in by_article.json()["items"]] == [newer["id"]]
    assert (await http.get("/api/chat/rooms")).status_code == 401
    assert (await http.get("/api/chat/rooms", params={"articleId": "x"}, headers=bearer(BUYER))).status_code == 422


async def test_room_detail_and_messages_are_for_members_only(server, http):
    await seed_market(server)
    room = await open_room_as(http, BUYER, 1)
    path = f"/api/chat/rooms/{room['id']}"
    for url in (path, f"{path}/messages"):
        assert (await http.get(url)).status_code == 401
        assert (await http.get(url, headers=bearer(OTHER))).status_code == 403
        assert (await http.get(url, headers=bearer(BUYER))).status_code == 200
        assert (await http.get(url, headers=bearer(SELLER))).status_code == 200
    assert (await http.get("/api/chat/rooms/9999", headers=bearer(BUYER))).status_code == 404
    assert (await http.get("/api/chat/rooms/9999/messages", headers=bearer(BUYER))).status_code == 404
    assert (await http.get("/api/chat/rooms/abc", headers=bearer(BUYER))).status_code == 422


async def test_message_pages(server, http):
    await seed_market(server)
    room = await open_room_as(http, BUYER, 1)
    client = await connected(server.url, BUYER)
    try:
        for n in range(1, 8):
            assert (await client.send(room["id"], f"메시지 {n}"))["ok"]
    finally:
        await client.close()
    url = f"/api/chat/rooms/{room['id']}/messages"

    async def seqs(**params):
        response = await http.get(url, params=params, headers=bearer(SELLER))
        assert response.status_code == 200, response.text
        return [m["seq"] for m in response.json()["items"]]

    assert await seqs() == [1, 2, 3, 4, 5, 6, 7]
    assert await seqs(limit=3) == [5, 6, 7]
    assert await seqs(beforeSeq=5, limit=2) == [3, 4]
    assert await seqs(afterSeq=5) == [6, 7]
    assert await seqs(afterSeq=2, limit=2) == [3, 4]
    assert await seqs(afterSeq=2, beforeSeq=5) == [3, 4]
    message = (await http.get(url, params={"limit": 1}, headers=bearer(SELLER))).json()["items"][0]
    assert set(message) == {"id", "roomId", "seq", "senderId", "kind", "text", "createdAt"}
    assert message["senderId"] == BUYER and message["kind"] == "user"
    for bad in ({"limit": 0}, {"limit": 101}, {"afterSeq": -1}, {"beforeSeq": 0}, {"limit": "many"}):
        response = await http.get(url, params=bad, headers=bearer(SELLER))
        assert response.status_code == 422, bad


async def test_probes_and_metrics(server, http):
    assert (await http.get("/healthz")).json() == {"status": "ok"}
    ready = await http.get("/readyz")
    assert ready.status_code == 200 and set(ready.json()["checks"]) == {"database", "redis"}
    client = await connected(server.url, BUYER)
    try:
        metrics = (await http.get("/metrics")).text
    finally:
        await client.close()
    assert "greenmarket_chat_sockets" in metrics and "greenmarket_http_requests_total" in metrics
