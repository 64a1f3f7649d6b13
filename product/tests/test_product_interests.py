"""Interests: add/remove status codes, double clicks, events, and the user's interest list."""

from __future__ import annotations

import asyncio

from product_test_helpers import create, insert_articles, outbox_events

from greenmarket.infra.testing.tokens import bearer


async def test_add_and_remove_interest(client, sessionmaker):
    article = await create(client, 1)
    url = f"/api/products/{article['id']}/interest"
    assert (await client.post(url)).status_code == 401
    assert (await client.post(url, headers=bearer(1))).status_code == 403  # own article
    assert (await client.post("/api/products/777777/interest", headers=bearer(2))).status_code == 404
    added = await client.post(url, headers=bearer(2))
    assert added.status_code == 201
    assert (await client.post(url, headers=bearer(2))).status_code == 409
    assert (await client.delete(url)).status_code == 401
    assert (await client.delete(url, headers=bearer(3))).status_code == 404  # never marked
    assert (await client.delete(url, headers=bearer(2))).status_code == 204
    assert (await client.delete(url, headers=bearer(2))).status_code == 404
    events = await outbox_events(sessionmaker, "InterestAdded", "InterestRemoved")
    assert [(e["type"], e["payload"]) for e in events] == [
        ("InterestAdded", {"articleId": article["id"], "userId": 2}),
        ("InterestRemoved", {"articleId": article["id"], "userId": 2}),
    ]
    assert all(e["aggregateId"] == str(article["id"]) for e in events)
    # The request never touches the counter: the projection does.
    assert (await client.get(f"/api/products/{article['id']}")).json()["interestCount"] == 0


async def test_concurrent_double_clicks_give_one_interest(client, sessionmaker):
    (article_id,) = await insert_articles(sessionmaker, [{}])
    url = f"/api/products/{article_id}/interest"
    headers = bearer(2)
    statuses = sorted(
        r.status_code for r in await asyncio.gather(*(client.post(url, headers=headers) for _ in range(5)))
    )
    assert statuses == [201, 409, 409, 409, 409]
    assert len(await outbox_events(sessionmaker, "InterestAdded")) == 1


async def test_interest_on_deleted_article_is_404(client):
    article = await create(client, 1)
    assert (await client.delete(f"/api/products/{article['id']}", headers=bearer(1))).status_code == 204
    assert (await client.post(f"/api/products/{article['id']}/interest", headers=bearer(2))).status_code == 404


async def test_my_interests_are_paged_newest_first(client, sessionmaker):
    ids = await insert_articles(sessionmaker, [{"title": f"글{i}"} for i in range(5)])
    for article_id in ids:
        assert (await client.post(f"/api/products/{article_id}/interest", headers=bearer(9))).status_code == 201
    assert (await client.get("/api/products/interests")).status_code == 401
    first = (await client.get("/api/products/interests", params={"limit": 3}, headers=bearer(9))).json()
    second = (
        await client.get(
            "/api/products/interests", params={"limit": 3, "cursor": first["nextCursor"]}, headers=bearer(9)
        )
    ).json()
    assert [a["id"] for a in first["items"] + second["items"]] == list(reversed(ids))
    assert second["nextCursor"] is None
    assert all(a["isInterested"] for a in first["items"])
    other = (await client.get("/api/products/interests", headers=bearer(10))).json()
    assert other == {"items": [], "nextCursor": None}
    bad = await client.get("/api/products/interests", params={"cursor": first["nextCursor"] + "x"}, headers=bearer(9))
    assert bad.status_code == 422
