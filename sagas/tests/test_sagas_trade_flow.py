"""The trade saga end to end with fake participants: happy paths, refusals, retries, expiry."""

from __future__ import annotations

from sagas_harness import ALWAYS, FakeParticipant, LockingProduct

from greenmarket.infra.testing.tokens import bearer
from greenmarket.sagas.trades import repository

SELLER, BUYER, OTHER = 11, 22, 33


async def _reserve(client, article_id: int = 1, buyer: int = BUYER) -> dict:
    response = await client.post(
        "/api/trades",
        json={"articleId": article_id, "buyerId": buyer},
        headers=bearer(SELLER),
    )
    assert response.status_code == 202, response.text
    return response.json()


async def test_reserve_then_complete(harness):
    fakes = harness.run_all()
    await harness.seed_article(1, SELLER, buyers=(BUYER,))
    async with harness.client() as client:
        accepted = await _reserve(client)
        assert accepted["status"] == "RESERVING"
        trade = await harness.wait_trade(accepted["tradeId"], "RESERVED")
        assert trade.expires_at is not None
        response = await client.post(f"/api/trades/{trade.id}/complete", headers=bearer(SELLER))
        assert response.status_code == 202, response.text
        assert response.json()["status"] == "COMPLETING"
        await harness.wait_trade(trade.id, "COMPLETED")
        body = (await client.get(f"/api/trades/{trade.id}", headers=bearer(BUYER))).json()
        assert body["status"] == "COMPLETED" and body["completedAt"] and body["articleId"] == 1
        purchases = (await client.get("/api/trades?role=buyer", headers=bearer(BUYER))).json()
        assert [t["tradeId"] for t in purchases["items"]] == [trade.id]
    assert fakes["product"].received == ["ReserveArticle", "MarkArticleSold"]
    assert fakes["chat"].received == ["ConfirmTradeRoom", "PostTradeMessage"]
    assert fakes["user"].received == ["RecordTrade"]
    events = await harness.trade_events(expected=2)
    assert [e.type for e in events] == ["TradeReserved", "TradeCompleted"]
    assert {e.aggregate_id for e in events} == {trade.id}


async def test_room_refusal_releases_the_article(harness):
    fakes = harness.run_all(chat={"ConfirmTradeRoom": ALWAYS})
    await harness.seed_article(1, SELLER, buyers=(BUYER,))
    async with harness.client() as client:
        accepted = await _reserve(client)
    trade = await harness.wait_trade(accepted["tradeId"], "CANCELLED")
    assert "ConfirmTradeRoom refused" in trade.reason
    saga = await harness.wait_saga(accepted["sagaId"], "COMPENSATED")
    assert await harness.steps(saga.id) == [
        ("FORWARD", "ReserveArticle", "SUCCEEDED"),
        ("FORWARD", "ConfirmTradeRoom", "REFUSED"),
        ("COMPENSATION", "ReleaseArticle", "SUCCEEDED"),
    ]
    assert fakes["product"].received == ["ReserveArticle", "ReleaseArticle"]
    assert [e.type for e in await harness.trade_events(expected=1)] == ["TradeCancelled"]


async def test_reserve_refusal_compensates_nothing(harness):
    fakes = harness.run_all(product={"ReserveArticle": ALWAYS})
    await harness.seed_article(1, SELLER, buyers=(BUYER,))
    async with harness.client() as client:
        accepted = await _reserve(client)
    await harness.wait_trade(accepted["tradeId"], "CANCELLED")
    await harness.wait_saga(accepted["sagaId"], "COMPENSATED")
    assert await harness.steps(accepted["sagaId"]) == [("FORWARD", "ReserveArticle", "REFUSED")]
    assert fakes["chat"].received == []
    # The article is free again: a new trade for it is accepted.
    fakes["product"].refuse.clear()
    async with harness.client() as client:
        again = await _reserve(client)
    await harness.wait_trade(again["tradeId"], "RESERVED")


async def test_completion_refused_keeps_the_reservation(harness):
    harness.run_all(product={"MarkArticleSold": 1})
    await harness.seed_article(1, SELLER, buyers=(BUYER,))
    async with harness.client() as client:
        accepted = await _reserve(client)
        await harness.wait_trade(accepted["tradeId"], "RESERVED")
        first = await client.post(f"/api/trades/{accepted['tradeId']}/complete", headers=bearer(SELLER))
        saga_id = first.json()["sagaId"]
        await harness.wait_saga(saga_id, "COMPENSATED")
        trade = await harness.wait_trade(accepted["tradeId"], "RESERVED")
        assert "MarkArticleSold refused" in trade.reason
        # The seller tries again; this time product agrees.
        second = await client.post(f"/api/trades/{accepted['tradeId']}/complete", headers=bearer(SELLER))
        assert second.status_code == 202
    await harness.wait_trade(accepted["tradeId"], "COMPLETED")


async def test_steps_past_the_pivot_are_retried(harness):
    fakes = harness.run_all(user={"RecordTrade": 2}, chat={"PostTradeMessage": 1})
    await harness.seed_article(1, SELLER, buyers=(BUYER,))
    async with harness.client() as client:
        accepted = await _reserve(client)
        await harness.wait_trade(accepted["tradeId"], "RESERVED")
        saga_id = (await client.post(f"/api/trades/{accepted['tradeId']}/complete", headers=bearer(SELLER))).json()[
            "sagaId"
        ]
    await harness.wait_saga(saga_id, "COMPLETED")
    await harness.wait_trade(accepted["tradeId"], "COMPLETED")
    assert fakes["user"].received == ["RecordTrade"] * 3
    assert [s for s in await harness.steps(saga_id)] == [
        ("FORWARD", "MarkArticleSold", "SUCCEEDED"),
        ("FORWARD", "RecordTrade", "REFUSED"),
        ("FORWARD", "RecordTrade", "REFUSED"),
        ("FORWARD", "RecordTrade", "SUCCEEDED"),
        ("FORWARD", "PostTradeMessage", "REFUSED"),
        ("FORWARD", "PostTradeMessage", "SUCCEEDED"),
    ]


async def test_buyer_cancels(harness):
    fakes = harness.run_all()
    await harness.seed_article(1, SELLER, buyers=(BUYER,))
    async with harness.client() as client:
        accepted = await _reserve(client)
        await harness.wait_trade(accepted["tradeId"], "RESERVED")
        response = await client.post(f"/api/trades/{accepted['tradeId']}/cancel", headers=bearer(BUYER))
        assert response.status_code == 202 and response.json()["status"] == "CANCELLED"
        again = await client.post(f"/api/trades/{accepted['tradeId']}/cancel", headers=bearer(SELLER))
        assert again.status_code == 409
        await harness.wait_saga(response.json()["sagaId"], "COMPLETED")
    assert fakes["product"].received == ["ReserveArticle", "ReleaseArticle"]
    events = await harness.trade_events(expected=2)
    assert [e.type for e in events] == ["TradeReserved", "TradeCancelled"]
    assert events[1].payload["reason"] == "cancelled by the buyer"


async def test_reservation_expires(harness):
    harness.configure(trade_reservation_ttl=1)
    fakes = harness.run_all()
    await harness.seed_article(1, SELLER, buyers=(BUYER,))
    async with harness.client() as client:
        accepted = await _reserve(client)
    await harness.wait_trade(accepted["tradeId"], "RESERVED")
    trade = await harness.wait_trade(accepted["tradeId"], "EXPIRED")
    await harness.wait_saga(trade.saga_id, "COMPLETED")
    assert fakes["product"].received == ["ReserveArticle", "ReleaseArticle"]
    assert fakes["chat"].received[-1] == "PostTradeMessage"
    assert [e.type for e in await harness.trade_events(expected=2)] == [
        "TradeReserved",
        "TradeExpired",
    ]


async def test_racing_trades_one_wins(harness):
    import asyncio

    harness.run_all()
    await harness.seed_article(1, SELLER, buyers=(BUYER, OTHER))
    async with harness.client() as client:
        responses = await asyncio.gather(
            *(
                client.post(
                    "/api/trades",
                    json={"articleId": 1, "buyerId": b},
                    headers=bearer(SELLER),
                )
                for b in (BUYER, OTHER, BUYER, OTHER)
            )
        )
    codes = sorted(r.status_code for r in responses)
    assert codes == [202, 409, 409, 409], [r.text for r in responses]
    winner = next(r.json() for r in responses if r.status_code == 202)
    await harness.wait_trade(winner["tradeId"], "RESERVED")


async def test_product_lock_decides_when_the_local_guard_cannot(harness):
    """The local guard does not count a FAILED trade; product's semantic lock still refuses."""
    product = harness.start_participant(LockingProduct())
    harness.start_relay()
    harness.start_orchestrator()
    harness.start_participant(FakeParticipant("chat"))
    await harness.seed_article(1, SELLER, buyers=(BUYER, OTHER))
    async with harness.client() as client:
        first = await _reserve(client)
        await harness.wait_trade(first["tradeId"], "RESERVED")
        # An operator-aborted saga leaves its trade FAILED while product still holds the article.
        async with harness.sessionmaker() as session, session.begin():
            await repository.set_status(session, first["tradeId"], "FAILED")
        second = await _reserve(client, buyer=OTHER)
    trade = await harness.wait_trade(second["tradeId"], "CANCELLED")
    assert "held by trade" in trade.reason
    assert product.held == {1: first["tradeId"]}


async def test_release_retries_until_product_agrees(harness):
    fakes = harness.run_all(product={"ReleaseArticle": 2})
    await harness.seed_article(1, SELLER, buyers=(BUYER,))
    async with harness.client() as client:
        accepted = await _reserve(client)
        await harness.wait_trade(accepted["tradeId"], "RESERVED")
        cancel = await client.post(f"/api/trades/{accepted['tradeId']}/cancel", headers=bearer(SELLER))
    saga = await harness.wait_saga(cancel.json()["sagaId"], "COMPLETED")
    assert [s for s in await harness.steps(saga.id) if s[1] == "ReleaseArticle"] == [
        ("FORWARD", "ReleaseArticle", "REFUSED"),
        ("FORWARD", "ReleaseArticle", "REFUSED"),
        ("FORWARD", "ReleaseArticle", "SUCCEEDED"),
    ]
    assert fakes["product"].received.count("ReleaseArticle") == 3
    await harness.wait_trade(accepted["tradeId"], "CANCELLED")
