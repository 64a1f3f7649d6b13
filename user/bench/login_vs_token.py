"""Login throughput (argon2id) against the token check of `/api/user/auth`, in one run.

Both go through the real app in process (httpx ASGITransport) on a fresh database of the running
stack, with the production argon2 parameters unless overridden. The same run also times the two
primitives alone (one argon2 verification, one RS256 verification) so the table shows where the
time goes. Needs the local stack (`greenmarket stack up`); takes well under a minute.

    uv run python user/bench/login_vs_token.py [--logins 40] [--checks 400] [--concurrency 4]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import statistics
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
from rich.console import Console
from rich.table import Table

from greenmarket.infra.migrations import upgrade_head_async
from greenmarket.infra.stack.config import StackConfig
from greenmarket.infra.stack.manager import Stack
from greenmarket.infra.testing.fixtures import fresh_database
from greenmarket.user.app import create_app
from greenmarket.user.launch import MIGRATIONS
from greenmarket.user.settings import UserSettings

PASSWORD = "benchmark password"
RESULTS = Path(__file__).parent / "results" / "login_vs_token.json"


async def timed(calls: int, concurrency: int, one) -> dict:
    """Run `one(i)` `calls` times with `concurrency` in flight; latency percentiles and throughput."""
    latencies: list[float] = []
    queue = iter(range(calls))

    async def lane() -> None:
        for i in queue:
            started = time.perf_counter()
            await one(i)
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(lane() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    latencies.sort()
    return {
        "calls": calls,
        "per_second": calls / elapsed,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
    }


async def run(args: argparse.Namespace, database_url: str) -> dict:
    await upgrade_head_async(MIGRATIONS, database_url)
    settings = UserSettings(
        database_url=database_url,
        media_root=Path(tempfile.mkdtemp()),
        argon2_memory_kib=args.memory_kib,
        argon2_time_cost=args.time_cost,
        login_max_failures_per_email=10**6,
        login_max_failures_per_address=10**6,
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://bench") as client:
            body = {
                "email": "bench@example.com",
                "password": PASSWORD,
                "nickname": "벤치",
                "address1": "서울",
                "address2": "중구",
            }
            assert (await client.post("/api/user/join", json=body)).status_code == 201
            login = await client.post("/api/user/login", json={"email": body["email"], "password": PASSWORD})
            token = login.cookies["x_auth"]
            service, verifier = app.state.user_service, app.state.jwks_verifier
            stored_hash = await service.passwords.hash(PASSWORD)

            async def do_login(_: int) -> None:
                response = await client.post("/api/user/login", json={"email": body["email"], "password": PASSWORD})
                assert response.status_code == 200

            async def do_auth(_: int) -> None:
                response = await client.get("/api/user/auth", headers={"Authorization": f"Bearer {token}"})
                assert response.status_code == 200

            async def do_argon2(_: int) -> None:
                assert await service.passwords.verify(stored_hash, PASSWORD)

            async def do_jwt(_: int) -> None:
                await verifier.verify(token)

            return {
                "POST /api/user/login": await timed(args.logins, args.concurrency, do_login),
                "GET /api/user/auth": await timed(args.checks, args.concurrency, do_auth),
                "argon2id verify alone": await timed(args.logins, args.concurrency, do_argon2),
                "RS256 verify alone": await timed(args.checks, 1, do_jwt),
            }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, default=40)
    parser.add_argument("--checks", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--memory-kib", type=int, default=UserSettings.model_fields["argon2_memory_kib"].default)
    parser.add_argument("--time-cost", type=int, default=UserSettings.model_fields["argon2_time_cost"].default)
    args = parser.parse_args()

    admin_dsn = Stack(StackConfig.from_env()).info().admin_dsn
    with fresh_database(admin_dsn) as database_url:
        results = asyncio.run(run(args, database_url))

    table = Table(title=f"login vs token check (argon2id {args.memory_kib} KiB, t={args.time_cost}, p=1)")
    for column in ("operation", "calls", "per second", "p50 ms", "p99 ms"):
        table.add_column(column, justify="left" if column == "operation" else "right")
    for name, r in results.items():
        table.add_row(name, str(r["calls"]), f"{r['per_second']:.1f}", f"{r['p50_ms']:.2f}", f"{r['p99_ms']:.2f}")
    Console().print(table)
    ratio = results["GET /api/user/auth"]["per_second"] / results["POST /api/user/login"]["per_second"]
    print(f"a token check is {ratio:.0f}x cheaper than a login")

    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps(
            {
                "at": datetime.now(UTC).isoformat(timespec="seconds"),
                "machine": platform.platform(),
                "argon2": {"memory_kib": args.memory_kib, "time_cost": args.time_cost, "parallelism": 1},
                "concurrency": args.concurrency,
                "results": results,
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
