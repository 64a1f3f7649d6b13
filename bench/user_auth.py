"""Login throughput (argon2id) against the token check of `/api/user/auth`, in one run.

Both go through the real user app in process (httpx ASGITransport) on a scratch database of the
running stack, with the production argon2id parameters unless overridden. The same run also times
the two primitives alone (one argon2id verification, one RS256 verification), so the table shows
where the time goes. The token check is the baseline: what every other request costs for auth.
Takes well under a minute with the defaults.

    uv run python -m bench user_auth [--logins 40] [--checks 400] [--concurrency 4]
                                     [--memory-kib 65536] [--time-cost 2]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import tempfile
import time
from pathlib import Path

import httpx

from bench._support import report, running_stack, scratch_database, summary_ms
from greenmarket.infra.migrations import upgrade_head_async
from greenmarket.user.app import create_app
from greenmarket.user.launch import MIGRATIONS
from greenmarket.user.settings import UserSettings

PASSWORD = "benchmark password"
DEFAULTS = UserSettings.model_fields


async def timed(calls: int, concurrency: int, one) -> dict:
    """Run `one()` `calls` times with `concurrency` in flight: latency percentiles and throughput."""
    latencies: list[float] = []
    remaining = iter(range(calls))

    async def lane() -> None:
        for _ in remaining:
            started = time.perf_counter()
            await one()
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(lane() for _ in range(concurrency)))
    elapsed = time.perf_counter() - started
    return {**summary_ms(latencies), "per_second": round(calls / elapsed, 1)}


async def measure(args: argparse.Namespace, database_url: str, bootstrap: str, media_root: Path) -> dict[str, dict]:
    await upgrade_head_async(MIGRATIONS, database_url)
    settings = UserSettings(
        database_url=database_url,
        kafka_bootstrap_servers=bootstrap,
        media_root=media_root,
        argon2_memory_kib=args.memory_kib,
        argon2_time_cost=args.time_cost,
        # Throttling would answer 429 long before the benchmark is done: it is not what we measure.
        login_max_failures_per_email=10**6,
        login_max_failures_per_address=10**6,
    )
    app = create_app(settings)
    logging.getLogger("httpx").setLevel(logging.WARNING)  # one line per request would drown the table
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://user") as client:
            account = {
                "email": "bench@example.com",
                "password": PASSWORD,
                "nickname": "벤치",
                "address1": "서울",
                "address2": "중구",
            }
            assert (await client.post("/api/user/join", json=account)).status_code == 201
            credentials = {"email": account["email"], "password": PASSWORD}
            token = (await client.post("/api/user/login", json=credentials)).cookies["x_auth"]
            service, verifier = app.state.user_service, app.state.jwks_verifier
            stored_hash = await service.passwords.hash(PASSWORD)

            async def login() -> None:
                assert (await client.post("/api/user/login", json=credentials)).status_code == 200

            async def auth() -> None:
                response = await client.get("/api/user/auth", headers={"Authorization": f"Bearer {token}"})
                assert response.status_code == 200

            async def argon2_alone() -> None:
                assert await service.passwords.verify(stored_hash, PASSWORD)

            async def rs256_alone() -> None:
                await verifier.verify(token)

            return {
                "GET /api/user/auth (baseline)": await timed(args.checks, args.concurrency, auth),
                "POST /api/user/login": await timed(args.logins, args.concurrency, login),
                "argon2id verify alone": await timed(args.logins, args.concurrency, argon2_alone),
                "RS256 verify alone": await timed(args.checks, 1, rs256_alone),
            }


async def run(args: argparse.Namespace) -> None:
    info = running_stack()
    async with scratch_database(info.admin_dsn, "user_auth") as url:
        with tempfile.TemporaryDirectory(prefix="bench-user-") as media_root:
            results = await measure(args, url, info.bootstrap_servers, Path(media_root))
    auth, login = results["GET /api/user/auth (baseline)"], results["POST /api/user/login"]
    ratio = auth["per_second"] / max(login["per_second"], 0.01)
    rows = [[name, r["count"], f"{r['per_second']:,.1f}", r["p50_ms"], r["p99_ms"]] for name, r in results.items()]
    report(
        "user_auth",
        f"login vs token check — argon2id {args.memory_kib} KiB, t={args.time_cost}, p=1, "
        f"{args.concurrency} in flight: a token check is {ratio:,.0f}× cheaper than a login",
        ["operation", "calls", "per second", "p50 ms", "p99 ms"],
        rows,
        {
            "argon2": {"memory_kib": args.memory_kib, "time_cost": args.time_cost, "parallelism": 1},
            "concurrency": args.concurrency,
            "results": results,
            "auth_over_login_throughput": round(ratio, 1),
        },
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--logins", type=int, default=40)
    parser.add_argument("--checks", type=int, default=400)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--memory-kib", type=int, default=DEFAULTS["argon2_memory_kib"].default)
    parser.add_argument("--time-cost", type=int, default=DEFAULTS["argon2_time_cost"].default)
    args = parser.parse_args()
    asyncio.run(run(args))
    return 0
