"""API errors and authorization rules of /api/trades and /api/sagas (no participants needed)."""

from __future__ import annotations

from greenmarket.infra.testing.tokens import bearer
from greenmarket.sagas.trades import service as trades
from greenmarket.schemas.events.chat import ChatRoomCreated
from greenmarket.schemas.events.product import ProductCreated, ProductDeleted
from support.kafka_reading import eventually

SELLER, BUYER, STRANGER = 11, 22, 99
OPERATOR = bearer(1, role="operator")


async def _trade(harness, article_id: int = 1) -> str:
    async with harness.sessionmaker() as session, session.begin():
        trade = await trades.reserve(
            session,
            harness.engine,
            seller_id=SELLER,
            article_id=article_id,
            buyer_id=BUYER,
        )
    return trade.id


async def test_reserve_errors(harness):
    await harness.seed_article(1, SELLER, buyers=(BUYER,))
    async with harness.client() as client:
        post = client.post
        assert (await post("/api/trades", json={"articleId": 1, "buyerId": BUYER})).status_code == 401
        bad_token = {"Authorization": "Bearer not-a-token"}
        assert (
            await post(
                "/api/trades",
                json={"articleId": 1, "buyerId": BUYER},
                headers=bad_token,
            )
        ).status_code == 401
        invalid = await post("/api/trades", json={"articleId": "x"}, headers=bearer(SELLER))
        assert invalid.status_code == 422 and {e["field"] for e in invalid.json()["errors"]} == {"articleId", "buyerId"}
        assert (
            await post(
                "/api/trades",
                json={"articleId": 2, "buyerId": BUYER},
                headers=bearer(SELLER),
            )
        ).status_code == 404
        assert (
            await post(
                "/api/trades",
                json={"articleId": 1, "buyerId": BUYER},
                headers=bearer(BUYER),
            )
        ).status_code == 403
        no_room = await post(
            "/api/trades",
            json={"articleId": 1, "buyerId": STRANGER},
            headers=bearer(SELLER),
        )
        assert no_room.status_code == 409 and "chat room" in no_room.json()["detail"]
        assert (
            await post(
                "/api/trades",
                json={"articleId": 1, "buyerId": SELLER},
                headers=bearer(SELLER),
            )
        ).status_code == 409
        first = await post(
            "/api/trades",
            json={"articleId": 1, "buyerId": BUYER},
            headers=bearer(SELLER),
        )
        assert first.status_code == 202
        assert set(first.json()) == {"tradeId", "sagaId", "status"}
        second = await post(
            "/api/trades",
            json={"articleId": 1, "buyerId": BUYER},
            headers=bearer(SELLER),
        )
        assert second.status_code == 409
        assert second.headers["content-type"].startswith("application/problem+json")


async def test_trade_actions_authorization(harness):
    await harness.seed_article(1, SELLER, buyers=(BUYER,))
    trade_id = await _trade(harness)  # stays RESERVING: nothing answers
    async with harness.client() as client:
        for action in ("complete", "cancel"):
            assert (await client.post(f"/api/trades/{trade_id}/{action}")).status_code == 401
            assert (await client.post(f"/api/trades/nope/{action}", headers=bearer(SELLER))).status_code == 404
            assert (await client.post(f"/api/trades/{trade_id}/{action}", headers=bearer(STRANGER))).status_code == 403
            # Not RESERVED yet.
            assert (await client.post(f"/api/trades/{trade_id}/{action}", headers=bearer(SELLER))).status_code == 409
        assert (await client.post(f"/api/trades/{trade_id}/complete", headers=bearer(BUYER))).status_code == 403
        assert (await client.get(f"/api/trades/{trade_id}")).status_code == 401
        assert (await client.get(f"/api/trades/{trade_id}", headers=bearer(STRANGER))).status_code == 403
        assert (await client.get("/api/trades/nope", headers=bearer(SELLER))).status_code == 404
        for who in (bearer(SELLER), bearer(BUYER), OPERATOR):
            body = (await client.get(f"/api/trades/{trade_id}", headers=who)).json()
            assert body["tradeId"] == trade_id and body["status"] == "RESERVING" and body["expiresAt"] is None


async def test_trade_lists_are_paged(harness):
    for article_id in (1, 2, 3):
        await harness.seed_article(article_id, SELLER, buyers=(BUYER,))
        await _trade(harness, article_id)
    async with harness.client() as client:
        assert (await client.get("/api/trades")).status_code == 401
        assert (await client.get("/api/trades?role=owner", headers=bearer(SELLER))).status_code == 422
        assert (await client.get("/api/trades?cursor=abc", headers=bearer(SELLER))).status_code == 422
        assert (await client.get("/api/trades?limit=0", headers=bearer(SELLER))).status_code == 422
        page1 = (await client.get("/api/trades?role=seller&limit=2", headers=bearer(SELLER))).json()
        assert [t["articleId"] for t in page1["items"]] == [3, 2]
        page2 = (
            await client.get(
                f"/api/trades?role=seller&limit=2&cursor={page1['nextCursor']}",
                headers=bearer(SELLER),
            )
        ).json()
        assert [t["articleId"] for t in page2["items"]] == [1] and page2["nextCursor"] is None
        assert (await client.get("/api/trades?role=buyer", headers=bearer(SELLER))).json()["items"] == []
        assert len((await client.get("/api/trades?role=buyer", headers=bearer(BUYER))).json()["items"]) == 3


async def test_saga_operator_api(harness):
    for article_id in (1, 2, 3):
        await harness.seed_article(article_id, SELLER, buyers=(BUYER,))
        await _trade(harness, article_id)
    async with harness.client() as client:
        assert (await client.get("/api/sagas")).status_code == 401
        assert (await client.get("/api/sagas", headers=bearer(SELLER))).status_code == 403
        assert (await client.get("/api/sagas?status=BOGUS", headers=OPERATOR)).status_code == 422
        page1 = (await client.get("/api/sagas?limit=2&type=trade.reserve&status=RUNNING", headers=OPERATOR)).json()
        assert len(page1["items"]) == 2 and page1["nextCursor"]
        item = page1["items"][0]
        assert set(item) >= {
            "id",
            "type",
            "status",
            "step",
            "startedAt",
            "updatedAt",
            "attempts",
        }
        assert item["step"] == "reserve_article" and item["attempts"] == 1
        page2 = (await client.get(f"/api/sagas?limit=2&cursor={page1['nextCursor']}", headers=OPERATOR)).json()
        assert len(page2["items"]) == 1 and page2["nextCursor"] is None
        assert (await client.get("/api/sagas?type=account.deletion", headers=OPERATOR)).json()["items"] == []
        saga_id = item["id"]
        detail = (await client.get(f"/api/sagas/{saga_id}", headers=OPERATOR)).json()
        assert detail["steps"][0]["commandType"] == "ReserveArticle" and detail["steps"][0]["status"] == "PENDING"
        assert detail["data"]["articleId"] == 3
        assert (await client.get(f"/api/sagas/{saga_id}", headers=bearer(SELLER))).status_code == 403
        assert (await client.get("/api/sagas/nope", headers=OPERATOR)).status_code == 404
        for action in ("retry", "abort"):
            assert (await client.post(f"/api/sagas/{saga_id}/{action}")).status_code == 401
            assert (await client.post(f"/api/sagas/{saga_id}/{action}", headers=bearer(SELLER))).status_code == 403
            assert (await client.post(f"/api/sagas/nope/{action}", headers=OPERATOR)).status_code == 404
            running = await client.post(f"/api/sagas/{saga_id}/{action}", headers=OPERATOR)
            assert running.status_code == 409 and "RUNNING" in running.json()["detail"]


async def test_projections_follow_product_and_chat_events(harness):
    harness.start_relay()
    harness.start_orchestrator()
    article = ProductCreated(
        article_id=5,
        seller_id=SELLER,
        title="책상",
        price=5000,
        status="ON_SALE",
        category_id=1,
        address1="서울",
        address2="중구",
    )
    await harness.publish(article, aggregate_id=5)
    await harness.publish(
        ChatRoomCreated(room_id=50, article_id=5, buyer_id=BUYER, seller_id=SELLER),
        aggregate_id=50,
    )
    async with harness.client() as client:

        async def accepted_after_events() -> bool:
            response = await client.post(
                "/api/trades",
                json={"articleId": 5, "buyerId": BUYER},
                headers=bearer(SELLER),
            )
            return response.status_code == 202

        await eventually(accepted_after_events)
        await harness.publish(ProductDeleted(article_id=5, seller_id=SELLER), aggregate_id=5)

        async def gone() -> bool:
            response = await client.post(
                "/api/trades",
                json={"articleId": 5, "buyerId": BUYER},
                headers=bearer(SELLER),
            )
            return response.status_code == 404

        await eventually(gone)
