"""`greenmarket products demo-data`: realistic rows in every category, photos shared among rows."""

from __future__ import annotations

from greenmarket.infra.images import MediaStore
from greenmarket.product.demo_data import load_demo_data


async def test_demo_data_fills_every_category(client, product_settings, media_files):
    store = MediaStore(product_settings.media_root, product_settings.media_url_prefix)
    assert await load_demo_data(product_settings.database_url, store, 300, batch=120) == 300
    assert len(media_files()) == 14 * 3 * 2  # photos and thumbnails, shared by all rows
    categories = set()
    cursor, total = None, 0
    while True:
        params = {"limit": 100, **({"cursor": cursor} if cursor else {})}
        page = (await client.get("/api/products", params=params)).json()
        total += len(page["items"])
        categories |= {a["categoryId"] for a in page["items"]}
        assert all(a["images"] and a["seller"]["nickname"] for a in page["items"])
        if not (cursor := page["nextCursor"]):
            break
    assert total == 300 and categories == set(range(1, 15))
    popular = (await client.get("/api/products", params={"order": "-interestCount", "limit": 5})).json()["items"]
    assert popular[0]["interestCount"] >= popular[-1]["interestCount"]
    found = (await client.get("/api/products", params={"keyword": "연락"})).json()["items"]
    assert found
