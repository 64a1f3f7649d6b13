"""Articles through the HTTP API: create, read, edit, delete, with their errors and rules."""

from __future__ import annotations

from product_test_helpers import create, files, form, image_bytes

from greenmarket.infra.testing.tokens import bearer, make_token


async def test_categories_are_the_seeds_fourteen(client):
    response = await client.get("/api/categories")
    assert response.status_code == 200
    items = response.json()["items"]
    assert len(items) == 14
    assert items[0] == {"id": 1, "name": "디지털/가전"}
    assert items[13] == {"id": 14, "name": "기타 중고물품"}


async def test_create_returns_the_article_with_location(client, media_files):
    response = await client.post("/api/products", data=form(), files=files(2), headers=bearer(7, nickname="초록이"))
    assert response.status_code == 201, response.text
    article = response.json()
    assert response.headers["location"] == f"/api/products/{article['id']}"
    assert article["title"] == "아이폰 12 미니 팝니다"
    assert article["status"] == "ON_SALE"
    assert article["category"] == {"id": 1, "name": "디지털/가전"}
    assert article["seller"]["id"] == 7 and article["seller"]["nickname"] == "초록이"
    assert article["interestCount"] == 0 and article["isInterested"] is False
    assert "buyerId" not in article
    assert article["createdAt"].endswith("Z")
    assert len(article["images"]) == 2
    image = article["images"][0]
    assert image["url"].startswith("/media/products/") and image["thumbUrl"].startswith("/media/products/")
    assert (image["width"], image["height"]) == (64, 48)
    assert len(media_files()) == 4  # two images and two thumbnails


async def test_create_requires_a_valid_token(client):
    assert (await client.post("/api/products", data=form(), files=files(1))).status_code == 401
    expired = {"Authorization": f"Bearer {make_token(1, expires_in=-60)}"}
    response = await client.post("/api/products", data=form(), files=files(1), headers=expired)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/problem+json")
    assert (
        await client.post("/api/products", data=form(), files=files(1), headers={"Authorization": "Bearer junk"})
    ).status_code == 401


async def test_create_validates_fields(client, media_files):
    cases = [
        (form(title=""), "title"),
        (form(title="x" * 101), "title"),
        (form(price=-1), "price"),
        (form(price=1_000_000_000), "price"),
        (form(price="abc"), "price"),
        (form(categoryId=15), "categoryId"),
        (form(address1=""), "address1"),
        (form(address2="   "), "address2"),
        (form(content="가" * 5001), "content"),
    ]
    for data, field in cases:
        response = await client.post("/api/products", data=data, files=files(1), headers=bearer(1))
        assert response.status_code == 422, (field, response.text)
        assert field in {e["field"] for e in response.json()["errors"]}, (field, response.json())
    assert media_files() == set()


async def test_image_limits(client, media_files):
    none = await client.post("/api/products", data=form(), headers=bearer(1))
    assert none.status_code == 422 and none.json()["errors"][0]["field"] == "files"
    thirteen = await client.post("/api/products", data=form(), files=files(13), headers=bearer(1))
    assert thirteen.status_code == 422
    twelve = await client.post("/api/products", data=form(), files=files(12), headers=bearer(1))
    assert twelve.status_code == 201
    assert len(media_files()) == 24


async def test_non_images_are_415_and_huge_files_413_leaving_no_file(client, media_files):
    # A text file declared as PNG: the declared type is not trusted.
    fake = [("files", ("a.png", image_bytes(), "image/png")), ("files", ("b.png", b"<?php echo 1; ?>", "image/png"))]
    response = await client.post("/api/products", data=form(), files=fake, headers=bearer(1))
    assert response.status_code == 415
    big = [("files", ("big.png", b"\x89PNG" + b"0" * (10 * 1024 * 1024 + 10), "image/png"))]
    response = await client.post("/api/products", data=form(), files=big, headers=bearer(1))
    assert response.status_code == 413
    assert media_files() == set()
    listed = await client.get("/api/products")
    assert listed.json()["items"] == []


async def test_declared_type_does_not_matter_for_real_images(client):
    jpeg_as_octets = [("files", ("photo", image_bytes("JPEG"), "application/octet-stream"))]
    response = await client.post("/api/products", data=form(), files=jpeg_as_octets, headers=bearer(1))
    assert response.status_code == 201


async def test_get_article_and_missing_ones(client):
    article = await create(client, 3)
    anonymous = await client.get(f"/api/products/{article['id']}")
    assert anonymous.status_code == 200
    assert "isInterested" not in anonymous.json()
    assert anonymous.json()["content"] == "깨끗하게 사용했습니다. 직거래 선호"
    assert (await client.get("/api/products/999999")).status_code == 404
    assert (await client.get("/api/products/0")).status_code == 422
    assert (await client.get("/api/products/99999999999999999999")).status_code == 422
    assert (await client.get("/api/products/abc")).status_code == 422
    client.cookies.set("x_auth", "garbage")
    bad_cookie = await client.get(f"/api/products/{article['id']}")
    client.cookies.clear()
    assert bad_cookie.status_code == 401


async def test_edit_keeps_and_replaces_images_and_deletes_old_files(client, media_files):
    article = await create(client, 1, image_count=3)
    first, second, third = article["images"]
    response = await client.put(
        f"/api/products/{article['id']}",
        data={**form(title="가격 내림", price=300000), "keepImages": [third["url"], first["url"]]},
        files=files(1, image_bytes(color=(200, 0, 0))),
        headers=bearer(1),
    )
    assert response.status_code == 200, response.text
    edited = response.json()
    assert edited["title"] == "가격 내림" and edited["price"] == 300000
    assert [im["url"] for im in edited["images"][:2]] == [third["url"], first["url"]]
    assert len(edited["images"]) == 3
    remaining = media_files()
    assert len(remaining) == 6
    assert second["url"].removeprefix("/media/") not in remaining
    assert second["thumbUrl"].removeprefix("/media/") not in remaining


async def test_edit_errors(client, media_files):
    article = await create(client, 1)
    url = f"/api/products/{article['id']}"
    keep = {"keepImages": [article["images"][0]["url"]]}
    assert (await client.put(url, data={**form(), **keep})).status_code == 401
    assert (await client.put(url, data={**form(), **keep}, headers=bearer(2))).status_code == 403
    assert (await client.put("/api/products/424242", data={**form(), **keep}, headers=bearer(1))).status_code == 404
    no_images = await client.put(url, data=form(), headers=bearer(1))
    assert no_images.status_code == 422
    foreign = await client.put(url, data={**form(), "keepImages": ["/media/products/x/evil.jpg"]}, headers=bearer(1))
    assert foreign.status_code == 422
    before = media_files()
    # A failed edit (403 after the new file was decoded) leaves no new file behind.
    denied = await client.put(url, data={**form(), **keep}, files=files(1), headers=bearer(2))
    assert denied.status_code == 403
    assert media_files() == before
    to_reserved = await client.put(url, data={**form(), **keep, "status": "RESERVED"}, headers=bearer(1))
    assert to_reserved.status_code == 409
    sold = await client.put(url, data={**form(), **keep, "status": "SOLD"}, headers=bearer(1))
    assert sold.status_code == 200 and sold.json()["status"] == "SOLD"
    again = await client.put(url, data={**form(), **keep}, headers=bearer(1))
    assert again.status_code == 409


async def test_delete_removes_article_and_files(client, media_files):
    article = await create(client, 1, image_count=2)
    url = f"/api/products/{article['id']}"
    assert (await client.delete(url)).status_code == 401
    assert (await client.delete(url, headers=bearer(2))).status_code == 403
    assert (await client.delete("/api/products/31337", headers=bearer(1))).status_code == 404
    assert (await client.delete(url, headers=bearer(1))).status_code == 204
    assert media_files() == set()
    assert (await client.get(url)).status_code == 404
    assert (await client.delete(url, headers=bearer(1))).status_code == 404
    assert (await client.get("/api/products")).json()["items"] == []
