"""The account-deletion saga, started by AccountDeletionRequested on user.events."""

from __future__ import annotations

import uuid

import pytest
from sagas_harness import ALWAYS

from greenmarket.infra.testing.tokens import bearer
from greenmarket.sagas.trades import service as trades
from greenmarket.schemas.events.user import AccountDeletionRequested

USER, OTHER = 7, 8

HAPPY_STEPS = [
    ("FORWARD", "LockAccount", "SUCCEEDED"),
    ("FORWARD", "check_no_completing_trade", "SUCCEEDED"),
    ("FORWARD", "WithdrawUserArticles", "SUCCEEDED"),
    ("FORWARD", "cancel_reservations", "SUCCEEDED"),
    ("FORWARD", "CloseUserRooms", "SUCCEEDED"),
    ("FORWARD", "AnonymizeAccount", "SUCCEEDED"),
]


async def _request_deletion(harness, user_id: int = USER, saga_id: str | None = None) -> str:
    saga_id = saga_id or str(uuid.uuid4())
    await harness.publish(AccountDeletionRequested(user_id=user_id, saga_id=saga_id), aggregate_id=user_id)
    return saga_id


async def _reserved_trade(harness, article_id: int, seller: int, buyer: int) -> str:
    await harness.seed_article(article_id, seller, buyers=(buyer,))
    async with harness.sessionmaker() as session, session.begin():
        trade = await trades.reserve(
            session,
            harness.engine,
            seller_id=seller,
            article_id=article_id,
            buyer_id=buyer,
        )
    await harness.wait_trade(trade.id, "RESERVED")
    return trade.id


async def test_deletion_runs_to_the_end(harness):
    fakes = harness.run_all()
    as_buyer = await _reserved_trade(harness, 1, OTHER, USER)
    saga_id = await _request_deletion(harness)
    await _request_deletion(harness, saga_id=saga_id)  # the same request twice starts one saga
    saga = await harness.wait_saga(saga_id, "COMPLETED")
    assert await harness.steps(saga.id) == HAPPY_STEPS
    assert saga.data["results"]["cancel_reservations"] == {"cancelledTrades": [as_buyer]}
    await harness.wait_trade(as_buyer, "CANCELLED")
    assert fakes["user"].received == ["LockAccount", "AnonymizeAccount"]
    assert fakes["product"].received == [
        "ReserveArticle",
        "WithdrawUserArticles",
        "ReleaseArticle",
    ]
    async with harness.client() as client:
        own = await client.get(f"/api/sagas/{saga_id}", headers=bearer(USER))
        assert own.status_code == 200 and own.json()["status"] == "COMPLETED"
        assert (await client.get(f"/api/sagas/{saga_id}", headers=bearer(OTHER))).status_code == 403


@pytest.mark.parametrize(
    ("service", "command", "expected"),
    [
        ("user", "LockAccount", [("FORWARD", "LockAccount", "REFUSED")]),
        (
            "product",
            "WithdrawUserArticles",
            [
                ("FORWARD", "LockAccount", "SUCCEEDED"),
                ("FORWARD", "check_no_completing_trade", "SUCCEEDED"),
                ("FORWARD", "WithdrawUserArticles", "REFUSED"),
                ("COMPENSATION", "UnlockAccount", "SUCCEEDED"),
            ],
        ),
    ],
)
async def test_refusal_compensates_and_unlocks(harness, service, command, expected):
    fakes = harness.run_all(**{service: {command: ALWAYS}})
    saga_id = await _request_deletion(harness)
    await harness.wait_saga(saga_id, "COMPENSATED")
    assert await harness.steps(saga_id) == expected
    assert "AnonymizeAccount" not in fakes["user"].received


async def test_completing_trade_blocks_deletion(harness):
    fakes = harness.run_all(product={"MarkArticleSold": ALWAYS})
    trade_id = await _reserved_trade(harness, 1, USER, OTHER)
    # Hold the trade in COMPLETING: product never answers MarkArticleSold in time.
    await harness.stop("participant:product")
    async with harness.sessionmaker() as session, session.begin():
        await trades.complete(session, harness.engine, trade_id=trade_id, user_id=USER)
    saga_id = await _request_deletion(harness)
    await harness.wait_saga(saga_id, "COMPENSATED")
    assert await harness.steps(saga_id) == [
        ("FORWARD", "LockAccount", "SUCCEEDED"),
        ("FORWARD", "check_no_completing_trade", "REFUSED"),
        ("COMPENSATION", "UnlockAccount", "SUCCEEDED"),
    ]
    assert fakes["user"].received == ["LockAccount", "UnlockAccount"]


@pytest.mark.parametrize(
    ("service", "command", "step"),
    [
        ("chat", "CloseUserRooms", "close_rooms"),
        ("user", "AnonymizeAccount", "anonymize_account"),
    ],
)
async def test_steps_after_the_point_of_no_return_retry_then_fail(harness, service, command, step):
    harness.configure(saga_compensation_attempts=2)
    fakes = harness.run_all(**{service: {command: ALWAYS}})
    saga_id = await _request_deletion(harness)
    saga = await harness.wait_saga(saga_id, "FAILED")
    assert step in saga.last_error
    assert fakes[service].received.count(command) == 2
    # Past the point of no return nothing is undone.
    assert "UnlockAccount" not in fakes["user"].received
    assert "RestoreUserArticles" not in fakes["product"].received
    fakes[service].refuse.clear()
    async with harness.client() as client:
        operator = bearer(1, role="operator")
        response = await client.post(f"/api/sagas/{saga_id}/retry", headers=operator)
        assert response.status_code == 202 and response.json()["status"] == "RUNNING"
    await harness.wait_saga(saga_id, "COMPLETED")
    assert fakes["user"].received[-1] == "AnonymizeAccount"


async def test_new_trades_refused_while_deleting(harness):
    harness.start_relay()
    harness.start_orchestrator()  # no participants: the deletion saga waits at LockAccount
    await harness.seed_article(1, USER, buyers=(OTHER,))
    saga_id = await _request_deletion(harness)
    await harness.wait_saga(saga_id, "RUNNING")
    async with harness.client() as client:
        response = await client.post("/api/trades", json={"articleId": 1, "buyerId": OTHER}, headers=bearer(USER))
    assert response.status_code == 409
