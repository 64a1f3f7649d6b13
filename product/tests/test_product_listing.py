"""The article list: filters, sort orders, keyset paging under concurrent inserts, keyword search."""

from __future__ import annotations

import asyncio
import random

import pytest
from product_test_helpers import create, insert_articles
from sqlalchemy import update

from greenmarket.infra.testing.tokens import bearer
from greenmarket.product.models import articles

ORDER_KEYS = {
    "-createdAt": (lambda a: (a["createdAt"], a["id"]), True),
    "-interestCount": (lambda a: (a["interestCount"], a["id"]), True),
    "price": (lambda a: (a["price"], a["id"]), False),
    "-price": (lambda a: (a["price"], a["id"]), True),
}


async def read_all(client, limit: int, between_pages=None, **params) -> list[dict]:
    items, cursor = [], None
    while True:
        query = {**params, "limit": limit}
        if cursor:
            query["cursor"] = cursor
        response = await client.get("/api/products", params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        items += body["items"]
        cursor = body["nextCursor"]
        if cursor is None:
            return items
        if between_pages:
            await between_pages()


@pytest.mark.parametrize("order", list(ORDER_KEYS))
async def test_paging_has_no_duplicates_or_gaps_under_concurrent_inserts(client, sessionmaker, order):
    rng = random.Random(order)
    # Few distinct values, so ties on the sort key must be broken by id.
    initial = await insert_articles(
        sessionmaker,
        [{"price": rng.choice([0, 500, 1000, 5000]), "interest_count": rng.randint(0, 3)} for _ in range(40)],
    )

    async def insert_some():
        await insert_articles(
            sessionmaker,
            [{"price": rng.choice([0, 500, 1000, 5000]), "interest_count": rng.randint(0, 3)} for _ in range(3)],
        )

    seen = await read_all(client, 7, between_pages=insert_some, order=order)
    ids = [a["id"] for a in seen]
    assert len(ids) == len(set(ids)), "a row appeared twice"
    assert set(initial) <= set(ids), "a row that existed before paging was skipped"
    key, descending = ORDER_KEYS[order]
    keys = [key(a) for a in seen]
    assert keys == sorted(keys, reverse=descending)


async def test_concurrent_writers_while_paging_default_order(client, sessionmaker):
    initial = await insert_articles(sessionmaker, [{} for _ in range(30)])
    stop = asyncio.Event()

    async def writer():
        while not stop.is_set():
            await insert_articles(sessionmaker, [{}])
            await asyncio.sleep(0)

    task = asyncio.create_task(writer())
    try:
        seen = await read_all(client, 4)
    finally:
        stop.set()
        await task
    ids = [a["id"] for a in seen]
    assert len(ids) == len(set(ids))
    assert set(initial) <= set(ids)


async def test_filters_combine(client, sessionmaker):
    await insert_articles(
        sessionmaker,
        [
            {
                "title": "a",
                "category_id": 2,
                "address1": "부산광역시",
                "address2": "해운대구",
                "price": 100,
                "seller_id": 5,
            },
            {
                "title": "b",
                "category_id": 2,
                "address1": "부산광역시",
                "address2": "해운대구",
                "price": 9000,
                "seller_id": 5,
            },
            {
                "title": "c",
                "category_id": 2,
                "address1": "부산광역시",
                "address2": "수영구",
                "price": 100,
                "seller_id": 6,
            },
            {
                "title": "d",
                "category_id": 3,
                "address1": "부산광역시",
                "address2": "해운대구",
                "price": 100,
                "seller_id": 5,
                "status": "SOLD",
            },
        ],
    )

    async def titles(**params) -> set[str]:
        response = await client.get("/api/products", params=params)
        assert response.status_code == 200, response.text
        return {a["title"] for a in response.json()["items"]}

    assert await titles(categoryId=2) == {"a", "b", "c"}
    assert await titles(categoryId=2, address1="부산광역시", address2="해운대구") == {"a", "b"}
    assert await titles(categoryId=2, maxPrice=500) == {"a", "c"}
    assert await titles(minPrice=1000) == {"b"}
    assert await titles(sellerId=5, status="SOLD") == {"d"}
    assert await titles(sellerId=5, status="ON_SALE", minPrice=50, maxPrice=150) == {"a"}


async def test_list_validation(client):
    for params in (
        {"keyword": "a"},
        {"keyword": "x" * 31},
        {"keyword": "  "},
        {"limit": 0},
        {"limit": 101},
        {"order": "id"},
        {"status": "LOST"},
        {"categoryId": "x"},
        {"minPrice": -1},
        {"cursor": "not-a-cursor"},
    ):
        response = await client.get("/api/products", params=params)
        assert response.status_code == 422, (params, response.text)
        assert response.headers["content-type"].startswith("application/problem+json")


async def test_a_cursor_of_another_order_is_refused(client, sessionmaker):
    await insert_articles(sessionmaker, [{} for _ in range(3)])
    first = (await client.get("/api/products", params={"limit": 1, "order": "price"})).json()
    response = await client.get("/api/products", params={"limit": 1, "order": "-price", "cursor": first["nextCursor"]})
    assert response.status_code == 422


async def test_list_items_omit_content_and_articles_without_images_appear(client, sessionmaker):
    await insert_articles(sessionmaker, [{"title": "사진 없는 글", "content": "내용"}])
    items = (await client.get("/api/products")).json()["items"]
    assert [a["title"] for a in items] == ["사진 없는 글"]
    assert "content" not in items[0] and items[0]["images"] == []


async def test_deleted_and_hidden_articles_are_never_listed(client, sessionmaker):
    shown, deleted, hidden = await insert_articles(
        sessionmaker, [{"title": "보임"}, {"title": "삭제"}, {"title": "숨김"}]
    )
    async with sessionmaker() as session, session.begin():
        await session.execute(update(articles).where(articles.c.id == deleted).values(deleted_at=articles.c.created_at))
        await session.execute(update(articles).where(articles.c.id == hidden).values(hidden_reason="SELLER_DELETED"))
    assert [a["id"] for a in (await client.get("/api/products")).json()["items"]] == [shown]
    assert (await client.get(f"/api/products/{hidden}")).status_code == 404
    assert (await client.get(f"/api/products/{deleted}")).status_code == 404


async def test_keyword_search_korean_two_characters_and_case(client, sessionmaker):
    await insert_articles(
        sessionmaker,
        [
            {"title": "원목 의자 팝니다", "content": "거의 새것"},
            {"title": "책상", "content": "의자도 같이 드려요"},
            {"title": "IKEA Desk", "content": "white"},
            {"title": "자전거", "content": "접이식"},
        ],
    )

    async def found(keyword: str) -> set[str]:
        response = await client.get("/api/products", params={"keyword": keyword})
        assert response.status_code == 200, response.text
        return {a["title"] for a in response.json()["items"]}

    assert await found("의자") == {"원목 의자 팝니다", "책상"}
    assert await found("ikea desk") == {"IKEA Desk"}
    assert await found("DE") == {"IKEA Desk"}
    assert await found("접이식") == {"자전거"}
    assert await found("팝니") == {"원목 의자 팝니다"}
    assert await found("없는말") == set()


@pytest.mark.parametrize(
    "keyword",
    ["' OR '1'='1", "%%", "__", "'; DROP TABLE articles; --", "\\'", "100%", "a_b", '") OR 1=1 --', "$1", ":kw"],
)
async def test_injection_strings_are_plain_text(client, sessionmaker, keyword):
    await insert_articles(sessionmaker, [{"title": "평범한 글"}, {"title": "할인 100% 정품"}, {"title": "a_b 표기"}])
    response = await client.get("/api/products", params={"keyword": keyword})
    assert response.status_code == 200, response.text
    titles = {a["title"] for a in response.json()["items"]}
    expected = {"할인 100% 정품"} if keyword == "100%" else {"a_b 표기"} if keyword == "a_b" else set()
    assert titles == expected
    # The table is still there and whole.
    assert len((await client.get("/api/products")).json()["items"]) == 3


async def test_interest_order_and_is_interested_on_detail(client, sessionmaker):
    low, high = await insert_articles(sessionmaker, [{"interest_count": 1}, {"interest_count": 9}])
    items = (await client.get("/api/products", params={"order": "-interestCount"})).json()["items"]
    assert [a["id"] for a in items] == [high, low]
    article = await create(client, 1)
    assert (await client.post(f"/api/products/{article['id']}/interest", headers=bearer(2))).status_code == 201
    detail = (await client.get(f"/api/products/{article['id']}", headers=bearer(2))).json()
    assert detail["isInterested"] is True
