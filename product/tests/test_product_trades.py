"""The saga participant: reserve, release, sell, withdraw, restore; the lock; purchases and reviews."""

from __future__ import annotations

import uuid

from product_test_helpers import create, form, outbox_events

from greenmarket.infra.testing.tokens import bearer
from greenmarket.product.worker import participant
from greenmarket.schemas.commands import (
    MarkArticleSold,
    ReleaseArticle,
    ReserveArticle,
    RestoreUserArticles,
    WithdrawUserArticles,
)

SELLER, BUYER = 1, 2


async def run_command(sessionmaker, command, *, envelope=None) -> dict:
    """Handle one command as the participant's consumer would; return the reply payload."""
    envelope = envelope or command.envelope(aggregate_id=str(uuid.uuid4()), producer="sagas")
    async with sessionmaker() as session, session.begin():
        await participant().handle(session, envelope)
    replies = await outbox_events(sessionmaker, "CommandReply")
    reply = [r for r in replies if r["causationId"] == str(envelope.event_id)][-1]
    return reply["payload"]


async def status_of(client, article_id: int) -> dict:
    response = await client.get(f"/api/products/{article_id}")
    return response.json() if response.status_code == 200 else {"status": response.status_code}


async def reserve(sessionmaker, article_id: int, trade_id: str, buyer: int = BUYER, seller: int = SELLER) -> dict:
    return await run_command(
        sessionmaker, ReserveArticle(trade_id=trade_id, article_id=article_id, seller_id=seller, buyer_id=buyer)
    )


async def test_reserve_then_sell_then_review(client, sessionmaker):
    article = await create(client, SELLER)
    trade = str(uuid.uuid4())
    reply = await reserve(sessionmaker, article["id"], trade)
    assert reply["outcome"] == "SUCCESS" and reply["data"] == {"articleId": article["id"], "status": "RESERVED"}
    assert (await status_of(client, article["id"]))["status"] == "RESERVED"

    sold = await run_command(sessionmaker, MarkArticleSold(trade_id=trade, article_id=article["id"], buyer_id=BUYER))
    assert sold["outcome"] == "SUCCESS"
    shown = await status_of(client, article["id"])
    assert shown["status"] == "SOLD" and shown["buyerId"] == BUYER

    changes = await outbox_events(sessionmaker, "ProductStatusChanged")
    assert [(c["payload"]["previousStatus"], c["payload"]["status"]) for c in changes] == [
        ("ON_SALE", "RESERVED"),
        ("RESERVED", "SOLD"),
    ]
    assert changes[-1]["payload"]["buyerId"] == BUYER and changes[-1]["payload"]["tradeId"] == trade

    purchases = (await client.get("/api/products/purchases", headers=bearer(BUYER))).json()
    assert [a["id"] for a in purchases["items"]] == [article["id"]]
    assert (await client.get("/api/products/purchases", headers=bearer(3))).json()["items"] == []
    assert (await client.get("/api/products/purchases")).status_code == 401

    url = f"/api/products/{article['id']}/review"
    body = {"rating": 5, "content": "친절하셨어요"}
    assert (await client.get(url)).status_code == 404
    assert (await client.post(url, json=body)).status_code == 401
    assert (await client.post(url, json=body, headers=bearer(3))).status_code == 403
    assert (await client.post(url, json=body, headers=bearer(SELLER))).status_code == 403
    assert (await client.post(url, json={"rating": 6, "content": "x"}, headers=bearer(BUYER))).status_code == 422
    assert (await client.post(url, json={"rating": 3, "content": ""}, headers=bearer(BUYER))).status_code == 422
    posted = await client.post(url, json=body, headers=bearer(BUYER))
    assert posted.status_code == 201
    assert (await client.post(url, json=body, headers=bearer(BUYER))).status_code == 409
    review = (await client.get(url)).json()
    assert review["articleId"] == article["id"] and review["reviewerId"] == BUYER and review["rating"] == 5
    assert review["content"] == "친절하셨어요" and review["createdAt"].endswith("Z")
    events = await outbox_events(sessionmaker, "ReviewPosted")
    assert events[0]["payload"] == {"articleId": article["id"], "reviewerId": BUYER, "sellerId": SELLER, "rating": 5}


async def test_review_of_an_unsold_article_is_403(client):
    article = await create(client, SELLER)
    url = f"/api/products/{article['id']}/review"
    assert (await client.post(url, json={"rating": 4, "content": "좋아요"}, headers=bearer(BUYER))).status_code == 403
    assert (
        await client.post("/api/products/9999/review", json={"rating": 4, "content": "좋아요"}, headers=bearer(BUYER))
    ).status_code == 404


async def test_semantic_lock_while_reserved(client, sessionmaker):
    article = await create(client, SELLER)
    url = f"/api/products/{article['id']}"
    trade = str(uuid.uuid4())
    assert (await reserve(sessionmaker, article["id"], trade))["outcome"] == "SUCCESS"
    keep = {"keepImages": [article["images"][0]["url"]]}
    assert (await client.delete(url, headers=bearer(SELLER))).status_code == 409
    assert (
        await client.put(url, data={**form(), **keep, "status": "ON_SALE"}, headers=bearer(SELLER))
    ).status_code == 409
    assert (await client.put(url, data={**form(), **keep, "status": "SOLD"}, headers=bearer(SELLER))).status_code == 409
    # Editing the text of a reserved article is fine; its status stays.
    edited = await client.put(url, data={**form(title="예약중 수정"), **keep}, headers=bearer(SELLER))
    assert edited.status_code == 200 and edited.json()["status"] == "RESERVED"
    other = await reserve(sessionmaker, article["id"], str(uuid.uuid4()), buyer=3)
    assert other["outcome"] == "FAILURE" and "RESERVED" in other["reason"]
    # Released: deletable again.
    released = await run_command(sessionmaker, ReleaseArticle(trade_id=trade, article_id=article["id"]))
    assert released["outcome"] == "SUCCESS" and released["data"]["released"] is True
    assert (await status_of(client, article["id"]))["status"] == "ON_SALE"
    assert (await client.delete(url, headers=bearer(SELLER))).status_code == 204


async def test_every_command_delivered_twice_has_one_effect(client, sessionmaker):
    article = await create(client, SELLER)
    trade = str(uuid.uuid4())
    for _ in range(2):
        assert (await reserve(sessionmaker, article["id"], trade))["outcome"] == "SUCCESS"
    for _ in range(2):
        reply = await run_command(
            sessionmaker, MarkArticleSold(trade_id=trade, article_id=article["id"], buyer_id=BUYER)
        )
        assert reply["outcome"] == "SUCCESS"
    for _ in range(2):  # a late release of a sold article is a no-op
        reply = await run_command(sessionmaker, ReleaseArticle(trade_id=trade, article_id=article["id"]))
        assert reply["outcome"] == "SUCCESS" and reply["data"]["released"] is False
    assert len(await outbox_events(sessionmaker, "ProductStatusChanged")) == 2
    assert (await status_of(client, article["id"]))["status"] == "SOLD"


async def test_refusals(client, sessionmaker):
    article = await create(client, SELLER)
    trade = str(uuid.uuid4())
    assert (await reserve(sessionmaker, 987654, trade))["outcome"] == "FAILURE"
    wrong_seller = await reserve(sessionmaker, article["id"], trade, seller=5)
    assert wrong_seller["outcome"] == "FAILURE" and "seller" in wrong_seller["reason"]
    assert (await reserve(sessionmaker, article["id"], trade, buyer=SELLER))["outcome"] == "FAILURE"
    not_reserved = await run_command(
        sessionmaker, MarkArticleSold(trade_id=trade, article_id=article["id"], buyer_id=BUYER)
    )
    assert not_reserved["outcome"] == "FAILURE"
    assert (await reserve(sessionmaker, article["id"], trade))["outcome"] == "SUCCESS"
    other_trade = await run_command(
        sessionmaker, MarkArticleSold(trade_id=str(uuid.uuid4()), article_id=article["id"], buyer_id=BUYER)
    )
    assert other_trade["outcome"] == "FAILURE"
    foreign_release = await run_command(
        sessionmaker, ReleaseArticle(trade_id=str(uuid.uuid4()), article_id=article["id"])
    )
    assert foreign_release["outcome"] == "SUCCESS" and foreign_release["data"]["released"] is False
    assert (await status_of(client, article["id"]))["status"] == "RESERVED"
    deleted = await create(client, SELLER)
    assert (await client.delete(f"/api/products/{deleted['id']}", headers=bearer(SELLER))).status_code == 204
    assert (await reserve(sessionmaker, deleted["id"], str(uuid.uuid4())))["outcome"] == "FAILURE"


async def test_withdraw_and_restore_user_articles(client, sessionmaker):
    on_sale = await create(client, SELLER, title="판매중")
    reserved = await create(client, SELLER, title="예약중")
    sold = await create(client, SELLER, title="판매완료")
    trade, sold_trade = str(uuid.uuid4()), str(uuid.uuid4())
    assert (await reserve(sessionmaker, reserved["id"], trade))["outcome"] == "SUCCESS"
    assert (await reserve(sessionmaker, sold["id"], sold_trade))["outcome"] == "SUCCESS"
    assert (
        await run_command(sessionmaker, MarkArticleSold(trade_id=sold_trade, article_id=sold["id"], buyer_id=BUYER))
    )["outcome"] == "SUCCESS"

    withdrawn = await run_command(sessionmaker, WithdrawUserArticles(user_id=SELLER))
    assert withdrawn["outcome"] == "SUCCESS"
    assert sorted(withdrawn["data"]["withdrawn"]) == sorted([on_sale["id"], reserved["id"]])
    assert withdrawn["data"]["released"] == [reserved["id"]]
    listed = {a["id"] for a in (await client.get("/api/products")).json()["items"]}
    assert listed == {sold["id"]}
    assert (await status_of(client, on_sale["id"]))["status"] == 404
    release_event = (await outbox_events(sessionmaker, "ProductStatusChanged"))[-1]["payload"]
    assert release_event["articleId"] == reserved["id"] and release_event["status"] == "ON_SALE"
    assert release_event["tradeId"] == trade
    # Twice: the same result, nothing more.
    again = await run_command(sessionmaker, WithdrawUserArticles(user_id=SELLER))
    assert again["outcome"] == "SUCCESS" and again["data"]["withdrawn"] == []

    restored = await run_command(sessionmaker, RestoreUserArticles(user_id=SELLER))
    assert restored["outcome"] == "SUCCESS"
    assert restored["data"]["restored"] == sorted([on_sale["id"], reserved["id"]])
    assert (await status_of(client, reserved["id"]))["status"] == "ON_SALE"  # the reservation stays released
    assert (await run_command(sessionmaker, RestoreUserArticles(user_id=SELLER)))["data"]["restored"] == []


async def test_withdraw_is_refused_while_the_user_is_buying(client, sessionmaker):
    article = await create(client, SELLER)
    mine = await create(client, BUYER, title="구매자의 글")
    assert (await reserve(sessionmaker, article["id"], str(uuid.uuid4())))["outcome"] == "SUCCESS"
    refused = await run_command(sessionmaker, WithdrawUserArticles(user_id=BUYER))
    assert refused["outcome"] == "FAILURE" and "buyer" in refused["reason"]
    # Refused means no effect: the buyer's own article is still listed.
    assert (await status_of(client, mine["id"]))["status"] == "ON_SALE"


async def test_purchases_need_a_login_and_refuse_a_bad_cursor(client):
    assert (await client.get("/api/products/purchases")).status_code == 401
    bad = await client.get("/api/products/purchases", params={"cursor": "not-a-cursor"}, headers=bearer(9))
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("application/problem+json")
