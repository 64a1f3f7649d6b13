"""Fixtures of the product tests: a migrated database and the app on it."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from greenmarket.infra.migrations import upgrade_head_async
from greenmarket.infra.testing.tokens import test_verifier
from greenmarket.product.app import create_app
from greenmarket.product.settings import ProductSettings

MIGRATIONS = Path(__file__).resolve().parents[1] / "src" / "greenmarket" / "product" / "migrations"


@pytest.fixture
async def product_db(database_url: str) -> str:
    await upgrade_head_async(MIGRATIONS, database_url)
    return database_url


@pytest.fixture
def product_settings(product_db: str, stack, tmp_path: Path) -> ProductSettings:
    return ProductSettings(
        database_url=product_db,
        kafka_bootstrap_servers=stack.bootstrap_servers,
        media_root=tmp_path / "media",
        image_max_side=800,
        thumb_max_side=200,
    )


@pytest.fixture
async def product_app(product_settings: ProductSettings):
    app = create_app(product_settings, verifier=test_verifier())
    yield app
    await app.state.engine.dispose()


@pytest.fixture
async def client(product_app):
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=product_app), base_url="http://product") as http:
        yield http


@pytest.fixture
def sessionmaker(product_app):
    return product_app.state.sessionmaker


@pytest.fixture
def media_files(product_settings: ProductSettings):
    """Every file under the media root, as relative paths."""

    def list_files() -> set[str]:
        root = product_settings.media_root
        return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} if root.exists() else set()

    return list_files
