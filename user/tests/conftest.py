"""Fixtures of the user service's tests: a migrated database and the app on it, in process."""

from __future__ import annotations

import io
from pathlib import Path

import httpx
import pytest
from PIL import Image

from greenmarket.infra.migrations import upgrade_head_async
from greenmarket.user.app import create_app
from greenmarket.user.settings import UserSettings

MIGRATIONS = Path(__file__).parents[1] / "src/greenmarket/user/migrations"
PASSWORD = "correct horse battery"


@pytest.fixture
async def migrated_url(database_url: str) -> str:
    await upgrade_head_async(MIGRATIONS, database_url)
    return database_url


@pytest.fixture
def settings(migrated_url: str, tmp_path: Path) -> UserSettings:
    return UserSettings(
        database_url=migrated_url,
        media_root=tmp_path / "media",
        # Cheap argon2 keeps the suite fast; production parameters are in UserSettings.
        argon2_memory_kib=1024,
        argon2_time_cost=1,
        key_cache_seconds=0,
        login_max_failures_per_email=3,
        login_max_failures_per_address=5,
        login_lockout_seconds=120,
    )


@pytest.fixture
async def app(settings: UserSettings):
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        yield app


@pytest.fixture
async def client(app):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        yield client


@pytest.fixture
def new_client(app):
    """A second browser: its own cookie jar."""

    def make() -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")

    return make


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
