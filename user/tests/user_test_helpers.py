"""Helpers shared by the user service's tests (a uniquely named module: conftest names clash)."""

from __future__ import annotations

import io

import httpx
from PIL import Image

PASSWORD = "correct horse battery"


def join_body(n: int = 1, **overrides) -> dict:
    return {
        "email": f"user{n}@example.com",
        "password": PASSWORD,
        "nickname": f"초록이{n}",
        "address1": "서울특별시",
        "address2": "마포구",
        **overrides,
    }


async def join(client: httpx.AsyncClient, n: int = 1, **overrides) -> dict:
    response = await client.post("/api/user/join", json=join_body(n, **overrides))
    assert response.status_code == 201, response.text
    return response.json()["user"]


async def join_and_login(client: httpx.AsyncClient, n: int = 1, **overrides) -> dict:
    user = await join(client, n, **overrides)
    body = join_body(n, **overrides)
    response = await client.post("/api/user/login", json={"email": body["email"], "password": body["password"]})
    assert response.status_code == 200, response.text
    return user


def image_bytes(fmt: str = "PNG", size: tuple[int, int] = (600, 400), exif: bool = False) -> bytes:
    image = Image.new("RGB", size, (30, 160, 60))
    buffer = io.BytesIO()
    if exif:
        tags = Image.Exif()
        tags[0x010F] = "SecretCam"  # Make
        tags[0x8825] = {1: "N", 2: (37.0, 33.0, 0.0)}  # GPS position
        image.save(buffer, fmt, exif=tags.tobytes())
    else:
        image.save(buffer, fmt)
    return buffer.getvalue()
