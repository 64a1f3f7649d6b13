"""Alembic wiring shared by the services' `migrations/env.py`."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData, pool
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import create_async_engine


def run_async_migrations(target_metadata: MetaData) -> None:
    """Body of a service's env.py: online migrations over asyncpg."""
    url = context.config.get_main_option("sqlalchemy.url")

    def do_run(connection: Connection) -> None:
        context.configure(connection=connection, target_metadata=target_metadata)
        with context.begin_transaction():
            context.run_migrations()

    async def run() -> None:
        engine = create_async_engine(url, poolclass=pool.NullPool)
        async with engine.connect() as connection:
            await connection.run_sync(do_run)
        await engine.dispose()

    if context.is_offline_mode():
        context.configure(url=url, target_metadata=target_metadata, literal_binds=True)
        with context.begin_transaction():
            context.run_migrations()
    else:
        asyncio.run(run())


def alembic_config(migrations_dir: Path, database_url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade_head(migrations_dir: Path, database_url: str) -> None:
    """Run a service's migrations to head. Call from sync code (not inside a running loop)."""
    command.upgrade(alembic_config(migrations_dir, database_url), "head")


async def upgrade_head_async(migrations_dir: Path, database_url: str) -> None:
    # env.py runs its own event loop, so run Alembic in a thread.
    await asyncio.to_thread(upgrade_head, migrations_dir, database_url)
