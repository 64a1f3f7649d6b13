"""Article list (first page, deep cursor) and keyword search on a demo catalogue, p50/p99 in process.

A scratch database is migrated and filled by the demo-data loader (`greenmarket products demo-data`,
`greenmarket.product.demo_data`). Each query then runs `--requests` times through the real product
app in process (httpx ASGITransport: routing, validation, SQL, JSON), one at a time. Baseline, same
run, same database: the same page fetched the prototype's way, as `OFFSET n LIMIT 20` (the product
query with `.offset()` instead of the keyset condition, at the query layer), next to the keyset page
at the same layer, so the table shows what the cursor saves at depth.
Goal (DESIGN.md): p99 ≤ 20 ms for the list (first page, deep cursor) and search on 100,000 articles.

    uv run python -m bench product_listing [--articles 100000] [--requests 200] [--depth 0.5]

`--articles 20000` gives a quick run; the default 100,000 loads in about a minute on the shared
2-core machine (demo photos are drawn once and shared by many rows).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench._support import report, running_stack, scratch_database, summary_ms
from greenmarket.infra.auth import JwksVerifier
from greenmarket.infra.images import MediaStore
from greenmarket.infra.migrations import upgrade_head_async
from greenmarket.product.app import create_app
from greenmarket.product.cursors import encode_cursor
from greenmarket.product.demo_data import load_demo_data
from greenmarket.product.launch import MIGRATIONS
from greenmarket.product.listing import ORDERS, ArticleFilter, page_query
from greenmarket.product.service import queries
from greenmarket.product.settings import ProductSettings
from greenmarket.product.views import load_articles

PAGE = 20


@dataclass(frozen=True)
class Case:
    label: str
    order: str
    keyword: str | None = None
    category_id: int | None = None
    deep: bool = False

    @property
    def filters(self) -> ArticleFilter:
        return ArticleFilter(keyword=self.keyword, category_id=self.category_id)

    def params(self, cursor: str | None) -> dict:
        params: dict = {"order": self.order, "limit": PAGE}
        if self.keyword:
            params["keyword"] = self.keyword
        if self.category_id:
            params["categoryId"] = self.category_id
        if cursor:
            params["cursor"] = cursor
        return params


CASES = [
    Case("newest, first page", "-createdAt"),
    Case("newest, deep cursor", "-createdAt", deep=True),
    Case("popular, deep cursor", "-interestCount", deep=True),
    Case("price ↑, category 5, deep cursor", "price", category_id=5, deep=True),
    Case("search '자전거', first page", "-createdAt", keyword="자전거"),
    Case("search '자전거', deep cursor", "-createdAt", keyword="자전거", deep=True),
    Case("search 'iphone' (no match)", "-createdAt", keyword="iphone"),
]


def no_keys_verifier() -> JwksVerifier:
    """Lists are public: no token is ever verified, so an empty key set is enough."""

    async def fetch() -> dict:
        return {"keys": []}

    return JwksVerifier(fetch)


async def matching_rows(sessionmaker, case: Case) -> int:
    from sqlalchemy import func, select

    query = page_query(case.filters, ORDERS[case.order], None, 0).limit(None).order_by(None)
    async with sessionmaker() as session:
        return (await session.execute(select(func.count()).select_from(query.subquery()))).scalar_one()


async def offset_for(sessionmaker, case: Case, depth_fraction: float) -> int:
    if not case.deep:
        return 0
    total = await matching_rows(sessionmaker, case)
    return max(0, min(total - PAGE, int(total * depth_fraction)) // PAGE * PAGE)


async def cursor_at(sessionmaker, case: Case, offset: int) -> str | None:
    """The cursor a client holds after paging down to `offset` (the last row of the page before)."""
    if offset == 0:
        return None
    order = ORDERS[case.order]
    async with sessionmaker() as session:
        row = (await session.execute(page_query(case.filters, order, None, 0).limit(1).offset(offset - 1))).one()
    return encode_cursor(order.name, row.sort_value, row.id)


async def offset_page(sessionmaker, case: Case, offset: int) -> list[int]:
    """The prototype's way: the same query, skipping `offset` rows."""
    async with sessionmaker() as session:
        rows = (await session.execute(page_query(case.filters, ORDERS[case.order], None, PAGE).offset(offset))).all()
        items = await load_articles(session, [r.id for r in rows[:PAGE]])
    return [a.id for a in items]


async def keyset_page(sessionmaker, case: Case, cursor: str | None) -> list[int]:
    async with sessionmaker() as session:
        page = await queries.list_articles(session, case.filters, case.order, cursor, PAGE, None)
    return [a.id for a in page.items]


async def sample(requests: int, one) -> list[float]:
    await one()  # warm the plan cache and the buffer pool before the clock
    latencies = []
    for _ in range(requests):
        started = time.perf_counter()
        await one()
        latencies.append(time.perf_counter() - started)
    return latencies


async def measure(app, case: Case, requests: int, depth: float) -> dict:
    sessionmaker = app.state.sessionmaker
    offset = await offset_for(sessionmaker, case, depth)
    cursor = await cursor_at(sessionmaker, case, offset)
    keyset_ids, offset_ids = (
        await keyset_page(sessionmaker, case, cursor),
        await offset_page(sessionmaker, case, offset),
    )
    assert keyset_ids == offset_ids, f"{case.label}: the cursor and OFFSET pages differ"
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://product") as client:

        async def over_http() -> None:
            response = await client.get("/api/products", params=case.params(cursor))
            assert response.status_code == 200, response.text

        http = await sample(requests, over_http)
    keyset = await sample(requests, lambda: keyset_page(sessionmaker, case, cursor))
    skipping = await sample(requests, lambda: offset_page(sessionmaker, case, offset))
    return {
        "offset": offset,
        "items": len(keyset_ids),
        "http_keyset": summary_ms(http),
        "query_keyset": summary_ms(keyset),
        "query_offset": summary_ms(skipping),
    }


async def run(args: argparse.Namespace) -> None:
    info = running_stack()
    media_root = Path(tempfile.mkdtemp(prefix="bench-product-"))
    async with scratch_database(info.admin_dsn, "product_listing") as url:
        await upgrade_head_async(MIGRATIONS, url)
        started = time.perf_counter()
        loaded = await load_demo_data(url, MediaStore(media_root, "/media"), args.articles)
        load_s = time.perf_counter() - started
        print(f"loaded {loaded:,} demo articles in {load_s:.1f} s")
        settings = ProductSettings(
            database_url=url, kafka_bootstrap_servers=info.bootstrap_servers, media_root=media_root
        )
        app = create_app(settings, verifier=no_keys_verifier())
        logging.getLogger("httpx").setLevel(logging.WARNING)
        try:
            results = {case.label: await measure(app, case, args.requests, args.depth) for case in CASES}
        finally:
            await app.state.engine.dispose()
            shutil.rmtree(media_root, ignore_errors=True)
    rows = []
    for label, r in results.items():
        h, k, o = r["http_keyset"], r["query_keyset"], r["query_offset"]
        met = "✓" if h["p99_ms"] <= 20 else "✗"
        rows.append(
            [
                label,
                f"{r['offset']:,}",
                r["items"],
                h["p50_ms"],
                f"{h['p99_ms']} {met}",
                f"{k['p50_ms']} / {k['p99_ms']}",
                f"{o['p50_ms']} / {o['p99_ms']}",
                f"{o['p50_ms'] / max(k['p50_ms'], 0.01):.1f}×",
            ]
        )
    report(
        "product_listing",
        f"Article list and search on {loaded:,} articles, {args.requests} requests each, one at a time",
        [
            "query",
            "rows skipped",
            "items",
            "HTTP p50 ms",
            "HTTP p99 ms (≤ 20)",
            "keyset query p50/p99",
            "OFFSET query p50/p99 (baseline)",
            "OFFSET ÷ keyset p50",
        ],
        rows,
        {
            "articles": loaded,
            "load_seconds": round(load_s, 1),
            "requests": args.requests,
            "page": PAGE,
            "depth": args.depth,
            "results": results,
        },
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=100_000, help="demo articles to load (default 100,000)")
    parser.add_argument("--requests", type=int, default=200, help="timed requests per query and method")
    parser.add_argument("--depth", type=float, default=0.5, help="deep pages start this far into the matching rows")
    args = parser.parse_args()
    os.environ.setdefault("COLUMNS", "160")  # rich's table stays readable when the output is a file
    asyncio.run(run(args))
    return 0
