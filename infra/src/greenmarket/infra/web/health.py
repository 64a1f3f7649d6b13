"""Readiness checks: each raises when its dependency is not reachable."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

ReadinessCheck = tuple[str, Callable[[], Awaitable[None]]]


def database_check(engine: AsyncEngine) -> ReadinessCheck:
    async def check() -> None:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))

    return ("database", check)


def kafka_check(bootstrap_servers: str) -> ReadinessCheck:
    async def check() -> None:
        # Any one broker accepting a connection is enough to publish and consume.
        errors = []
        for address in bootstrap_servers.split(","):
            host, _, port = address.strip().rpartition(":")
            try:
                _, writer = await asyncio.wait_for(asyncio.open_connection(host, int(port)), 1.0)
                writer.close()
                return
            except (OSError, TimeoutError) as exc:
                errors.append(f"{address}: {exc!r}")
        raise ConnectionError("; ".join(errors))

    return ("kafka", check)


def redis_check(redis_client) -> ReadinessCheck:
    async def check() -> None:
        await redis_client.ping()

    return ("redis", check)


async def run_checks(checks: list[ReadinessCheck], timeout: float = 2.0) -> dict[str, str]:
    async def one(check) -> str:
        try:
            await asyncio.wait_for(check(), timeout)
            return "ok"
        except Exception as exc:  # noqa: BLE001 - a readiness probe reports, never raises
            return f"error: {exc!r}"[:300]

    results = await asyncio.gather(*(one(check) for _, check in checks))
    return {name: result for (name, _), result in zip(checks, results, strict=True)}
