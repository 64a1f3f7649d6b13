"""Fixtures of the user service's tests: a migrated database and the app on it, in process."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from greenmarket.infra.migrations import upgrade_head_async
from greenmarket.user.app import create_app
from greenmarket.user.settings import UserSettings

MIGRATIONS = Path(__file__).parents[1] / "src/greenmarket/user/migrations"


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
