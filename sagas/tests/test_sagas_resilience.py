"""Timeouts, stopped participants and orchestrators, duplicates, concurrency, FAILED and retry."""

from __future__ import annotations

import asyncio

from sagas_harness import ALWAYS, FakeParticipant

from greenmarket.infra.testing.tokens import bearer

SELLER, BUYER = 11, 22


async def _reserve(client, article_id: int = 1) -> dict:
    response = await client.post(
        "/api/trades",
        json={"articleId": article_id, "buyerId": BUYER},
        headers=bearer(SELLER),
    )
    assert response.status_code == 202, response.text
    return response.json()


async def test_step_timeout_compensates(harness):
    harness.configure(saga_step_timeout=0.5, saga_step_attempts=2)
    harness.start_relay()
    harness.start_orchestrator()
    product = harness.start_participant(FakeParticipant("product"))  # chat never answers
    await harness.seed_article(1, SELLER, buyers=(BUYER,))
    async with harness.client() as client:
        accepted = await _reserve(client)
    await harness.wait_saga(accepted["sagaId"], "COMPENSATED")
    trade = await harness.wait_trade(accepted["tradeId"], "CANCELLED")
    assert "timed out" in trade.reason
    steps = await harness.steps(accepted["sagaId"])
    # (ReserveArticle may itself time out once while the fake product joins its group.)
    assert ("FORWARD", "ReserveArticle", "SUCCEEDED") in steps
    assert [s for s in steps if s[1] == "ConfirmTradeRoom"] == [("FORWARD", "ConfirmTradeRoom", "TIMED_OUT")] * 2
    assert steps[-1] == ("COMPENSATION", "ReleaseArticle", "SUCCEEDED")
    assert product.received[-1] == "ReleaseArticle"


async def test_participant_away_for_a_while(harness):
    harness.configure(saga_step_timeout=1.5, saga_step_attempts=3)
    harness.start_relay()
    harness.start_orchestrator()
    harness.start_participant(FakeParticipant("product"))
    await harness.seed_article(1, SELLER, buyers=(BUYER,))
    async with harness.client() as client:
        accepted = await _reserve(client)

    async def waiting_for_chat() -> bool:
        return ("FORWARD", "ConfirmTradeRoom", "PENDING") in await harness.steps(accepted["sagaId"])

    from support.kafka_reading import eventually

    await eventually(waiting_for_chat)
    await asyncio.sleep(2.0)  # chat is down longer than one step timeout: the command is resent
    chat = harness.start_participant(FakeParticipant("chat"))
    await harness.wait_trade(accepted["tradeId"], "RESERVED")
    saga = await harness.wait_saga(accepted["sagaId"], "COMPLETED")
    steps = await harness.steps(saga.id)
    # The first command timed out and was resent; whichever answer came first moved the saga.
    assert [s for s in steps if s[1] == "ConfirmTradeRoom"] != [("FORWARD", "ConfirmTradeRoom", "SUCCEEDED")]
    assert [s for s in steps if s[2] == "SUCCEEDED"] == [
        ("FORWARD", "ReserveArticle", "SUCCEEDED"),
        ("FORWARD", "ConfirmTradeRoom", "SUCCEEDED"),
    ]
    assert chat.received.count("ConfirmTradeRoom") >= 1


async def test_every_command_delivered_twice(harness):
    harness.start_relay()
    harness.start_orchestrator()
    fakes = harness.participants()
    # A second copy of each participant in its own consumer group: every command is handled twice
    # and answered twice, with different reply ids. The saga must move once per step.
    twins = {s: harness.start_participant(FakeParticipant(s, consumer=f"{s}-twin"), name=f"twin:{s}") for s in fakes}
    await harness.seed_article(1, SELLER, buyers=(BUYER,))
    async with harness.client() as client:
        accepted = await _reserve(client)
        await harness.wait_trade(accepted["tradeId"], "RESERVED")
        done = (await client.post(f"/api/trades/{accepted['tradeId']}/complete", headers=bearer(SELLER))).json()
    await harness.wait_trade(accepted["tradeId"], "COMPLETED")
    assert twins["user"].received == ["RecordTrade"] and fakes["user"].received == ["RecordTrade"]
    for saga_id in (accepted["sagaId"], done["sagaId"]):
        steps = await harness.steps(saga_id)
        assert all(status == "SUCCEEDED" for _, _, status in steps), steps
    events = await harness.trade_events(expected=2)
    assert [e.type for e in events] == ["TradeReserved", "TradeCompleted"]


async def test_two_orchestrators_at_once(harness):
    harness.start_relay()
    harness.start_orchestrator("first")
    harness.start_orchestrator("second")
    harness.participants()
    sellers = range(100, 110)
    for seller in sellers:
        await harness.seed_article(seller, seller, buyers=(BUYER,))
    async with harness.client() as client:
        accepted = await asyncio.gather(
            *(
                client.post(
                    "/api/trades",
                    json={"articleId": s, "buyerId": BUYER},
                    headers=bearer(s),
                )
                for s in sellers
            )
        )
    for response in accepted:
        body = response.json()
        await harness.wait_trade(body["tradeId"], "RESERVED")
        saga = await harness.wait_saga(body["sagaId"], "COMPLETED")
        assert saga.version == 4  # start, ReserveArticle reply, ConfirmTradeRoom reply: once each
        assert await harness.steps(saga.id) == [
            ("FORWARD", "ReserveArticle", "SUCCEEDED"),
            ("FORWARD", "ConfirmTradeRoom", "SUCCEEDED"),
        ]
    assert len(await harness.trade_events(expected=len(sellers))) == len(sellers)


async def test_two_timers_fire_a_deadline_once(harness):
    harness.configure(saga_step_timeout=0.3, saga_step_attempts=1)
    harness.start_relay()
    product = harness.start_participant(FakeParticipant("product"))
    await harness.seed_article(1, SELLER, buyers=(BUYER,))
    async with harness.client() as client:
        accepted = await _reserve(client)
    await asyncio.sleep(0.5)  # let ReserveArticle's deadline pass with no orchestrator running
    harness.start_orchestrator("first")
    harness.start_orchestrator("second")
    await harness.wait_saga(accepted["sagaId"], "COMPENSATED")
    steps = await harness.steps(accepted["sagaId"])
    assert steps[0] == ("FORWARD", "ReserveArticle", "TIMED_OUT")
    assert steps[1:] == [("COMPENSATION", "ReleaseArticle", "SUCCEEDED")]
    assert product.received.count("ReleaseArticle") == 1


async def test_orchestrator_stopped_between_steps(harness):
    harness.start_relay()
    harness.start_orchestrator()
    harness.start_participant(FakeParticipant("product"))
    await harness.seed_article(1, SELLER, buyers=(BUYER,))
    async with harness.client() as client:
        accepted = await _reserve(client)

    from support.kafka_reading import eventually

    async def at_second_step() -> bool:
        return ("FORWARD", "ConfirmTradeRoom", "PENDING") in await harness.steps(accepted["sagaId"])

    await eventually(at_second_step)
    await harness.stop_orchestrator()
    harness.start_participant(FakeParticipant("chat"))  # answers while the orchestrator is down
    await asyncio.sleep(0.5)
    assert (await harness.trade(accepted["tradeId"])).status == "RESERVING"
    harness.start_orchestrator()
    await harness.wait_trade(accepted["tradeId"], "RESERVED")


async def test_failed_compensation_is_visible_and_retried(harness):
    harness.configure(saga_compensation_attempts=2, saga_retry_backoff=0.1)
    fakes = harness.run_all(chat={"ConfirmTradeRoom": ALWAYS}, product={"ReleaseArticle": ALWAYS})
    await harness.seed_article(1, SELLER, buyers=(BUYER,))
    operator = bearer(1, role="operator")
    async with harness.client() as client:
        accepted = await _reserve(client)
        saga = await harness.wait_saga(accepted["sagaId"], "FAILED")
        assert "ReleaseArticle" not in saga.last_error or "attempts" in saga.last_error
        await harness.wait_trade(accepted["tradeId"], "FAILED")
        listed = (await client.get("/api/sagas?status=FAILED", headers=operator)).json()
        assert [s["id"] for s in listed["items"]] == [saga.id]
        assert listed["items"][0]["step"] == "reserve_article"
        detail = (await client.get(f"/api/sagas/{saga.id}", headers=operator)).json()
        assert [(s["phase"], s["commandType"], s["status"]) for s in detail["steps"]] == [
            ("FORWARD", "ReserveArticle", "SUCCEEDED"),
            ("FORWARD", "ConfirmTradeRoom", "REFUSED"),
            ("COMPENSATION", "ReleaseArticle", "REFUSED"),
            ("COMPENSATION", "ReleaseArticle", "REFUSED"),
        ]
        # The cause is fixed; the operator retries and the compensation finishes.
        fakes["product"].refuse.clear()
        retried = await client.post(f"/api/sagas/{saga.id}/retry", headers=operator)
        assert retried.status_code == 202 and retried.json()["status"] == "COMPENSATING"
        await harness.wait_saga(saga.id, "COMPENSATED")
        await harness.wait_trade(accepted["tradeId"], "CANCELLED")
        assert (await client.post(f"/api/sagas/{saga.id}/retry", headers=operator)).status_code == 409
        assert (await client.post(f"/api/sagas/{saga.id}/abort", headers=operator)).status_code == 409


async def test_failed_saga_aborted(harness):
    harness.configure(saga_compensation_attempts=1)
    harness.run_all(user={"RecordTrade": ALWAYS})
    await harness.seed_article(1, SELLER, buyers=(BUYER,))
    operator = bearer(1, role="operator")
    async with harness.client() as client:
        accepted = await _reserve(client)
        await harness.wait_trade(accepted["tradeId"], "RESERVED")
        done = (await client.post(f"/api/trades/{accepted['tradeId']}/complete", headers=bearer(SELLER))).json()
        await harness.wait_saga(done["sagaId"], "FAILED")
        response = await client.post(f"/api/sagas/{done['sagaId']}/abort", headers=operator)
        assert response.status_code == 202 and response.json()["status"] == "ABORTED"
        detail = (await client.get(f"/api/sagas/{done['sagaId']}", headers=operator)).json()
        assert detail["status"] == "ABORTED" and detail["steps"][-1]["status"] == "ABORTED"
    assert (await harness.trade(accepted["tradeId"])).status == "FAILED"
