"""Interest burst: N users mark one article at the same moment; our design against the prototype's.

Same run, same app, same database, alternating rounds on fresh articles:
- ours: `POST /api/products/{id}/interest` inserts the interest row and an `InterestAdded` outbox
  row; the relay (`greenmarket relay`) publishes it and the product Faust worker
  (`python -m greenmarket.product.agents`, IdempotentProcessor batch handler) adds one update per
  article per batch to `interest_count`. Both run as subprocesses, with the argv of the service's
  `launch.processes(...)`.
- prototype: a route mounted on the same app for this benchmark does what the seed did: the same
  checks and interest insert, then `UPDATE articles SET interest_count = interest_count + 1` in the
  request's transaction, so every request queues on that article's row lock.
Each design is measured twice: through HTTP (app in process, httpx ASGITransport, RS256 check and
all), and at the database layer alone (the same service function in its own transaction, 200 at
once), which isolates what the two designs do to PostgreSQL. A third database-layer run turns the outbox
trigger's NOTIFY off for its transactions (the relay then finds the rows by polling): a diagnostic
of what PostgreSQL's global notify-queue lock, taken by every NOTIFYing commit, costs the burst. Throughput = requests / wall time of
the bursts (every answer 201). After each of our bursts the benchmark waits until `interest_count`
equals the number of interests (that wait is the convergence time), so the pipeline never runs
during the prototype's burst; at the end every article's count must equal its interest rows.
Goal (DESIGN.md): ours ≥ 2× the prototype's throughput, and the count converges exactly.

    uv run python -m bench interest_burst [--users 200] [--rounds 5]
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import httpx
from fastapi import Depends
from fastapi.responses import Response
from sqlalchemy import select, text, update

from bench._support import free_port, report, running_stack, scratch_database, summary_ms
from greenmarket.infra.auth import Principal
from greenmarket.infra.auth.dependencies import current_user
from greenmarket.infra.messaging.topics import ensure_topics
from greenmarket.infra.migrations import upgrade_head_async
from greenmarket.infra.stack.services import ServiceContext
from greenmarket.infra.testing.fixtures import fresh_topic_prefix
from greenmarket.infra.testing.tokens import bearer, test_verifier
from greenmarket.product import launch
from greenmarket.product.api import deps
from greenmarket.product.app import create_app
from greenmarket.product.models import articles
from greenmarket.product.service.interests import add_interest, insert_interest
from greenmarket.product.settings import ProductSettings

SELLER_ID = 1
FIRST_USER_ID = 10_000
LAYERS = [
    ("HTTP", "prototype"),
    ("HTTP", "ours"),
    ("database only", "prototype"),
    ("database only", "ours"),
    ("database only", "ours, NOTIFY off"),
]
LABELS = {
    "prototype": "prototype, counter in the request (baseline)",
    "ours": "ours, interest + outbox, Faust counts",
    "ours, NOTIFY off": "ours without the outbox NOTIFY (relay polls)",
}


async def prototype_add_interest(db, user_id: int, article_id: int) -> None:
    """The seed's design, for comparison only: the counter is updated inside the request."""
    await insert_interest(db, user_id, article_id)
    await db.execute(
        update(articles).where(articles.c.id == article_id).values(interest_count=articles.c.interest_count + 1)
    )


def mount_prototype_route(app) -> None:
    @app.post("/bench/prototype/{article_id}/interest", status_code=201)
    async def prototype_mark(article_id: int, user: Principal = Depends(current_user), db=Depends(deps.session)):
        async with db.begin():
            await prototype_add_interest(db, user.user_id, article_id)
        return Response(status_code=201)


async def create_articles(sessionmaker, count: int) -> list[int]:
    async with sessionmaker() as session, session.begin():
        rows = await session.execute(
            articles.insert().returning(articles.c.id),
            [
                {
                    "seller_id": SELLER_ID,
                    "title": f"벤치 자전거 {n}",
                    "content": "관심 폭주 테스트",
                    "price": 10000,
                    "category_id": 5,
                    "address1": "서울특별시",
                    "address2": "마포구",
                }
                for n in range(count)
            ],
        )
        return [row.id for row in rows]


async def burst(users: list[int], one) -> tuple[float, list[float]]:
    """`one(user)` for every user at once; (wall time, per-request latencies)."""
    start = asyncio.Event()
    latencies: list[float] = []

    async def timed(user: int) -> None:
        await start.wait()
        started = time.perf_counter()
        await one(user)
        latencies.append(time.perf_counter() - started)

    tasks = [asyncio.create_task(timed(user)) for user in users]
    await asyncio.sleep(0)  # every task is parked on the event before the gun
    started = time.perf_counter()
    start.set()
    await asyncio.gather(*tasks)
    return time.perf_counter() - started, latencies


def over_http(client: httpx.AsyncClient, path: str, tokens: dict[int, dict]):
    async def one(user: int) -> None:
        response = await client.post(path, headers=tokens[user])
        assert response.status_code == 201, response.text

    return one


def in_transaction(sessionmaker, add, article_id: int, *, notify: bool = True):
    """The same work without HTTP and JWT: only the database side of the two designs."""

    async def one(user: int) -> None:
        async with sessionmaker() as session, session.begin():
            if not notify:
                # A diagnostic: every NOTIFYing commit takes PostgreSQL's one global notify-queue
                # lock, so this shows what that lock costs the burst.
                await session.execute(text("SET LOCAL greenmarket.outbox_notify = 'off'"))
            await add(session, user, article_id)

    return one


async def converge(sessionmaker, article_id: int, expected: int, timeout: float) -> float | None:
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        if (await counts(sessionmaker, [article_id]))[article_id] == expected:
            return time.perf_counter() - started
        await asyncio.sleep(0.02)
    return None


def start_pipeline(info, url: str, prefix: str, workdir: Path) -> tuple[list[subprocess.Popen], str, Path]:
    """The relay and the Faust agents of the product service, as `greenmarket up` starts them."""
    ctx = ServiceContext(
        repo_root=Path.cwd(),
        state_dir=workdir,
        kafka_bootstrap_servers=info.bootstrap_servers,
        redis_url="redis://127.0.0.1:1",
        admin_dsn=info.admin_dsn,
        media_root=workdir / "media",
        gateway_url="http://127.0.0.1:1",
        jwks_url="http://127.0.0.1:1/jwks",
    )
    specs = {spec.name: spec for spec in launch.processes(ctx)}
    env = {**os.environ, **specs["product-relay"].env, "DATABASE_URL": url, "TOPIC_PREFIX": prefix}
    relay_argv = list(specs["product-relay"].argv)
    relay_argv[relay_argv.index("--probe-port") + 1] = str(free_port())
    agents_port = free_port()
    logs = workdir / "logs"
    logs.mkdir()
    (workdir / "faust").mkdir()  # Faust creates its data folder, not the parents
    processes = []
    for name, argv, extra in (
        ("relay", relay_argv, {}),
        ("agents", specs["product-agents"].argv, {"AGENTS_PROBE_PORT": str(agents_port)}),
    ):
        log = open(logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        processes.append(subprocess.Popen(argv, env={**env, **extra}, stdout=log, stderr=subprocess.STDOUT))
    return processes, f"http://127.0.0.1:{agents_port}/healthz", logs


async def wait_healthy(url: str, processes: list[subprocess.Popen], timeout: float = 90) -> float:
    started = time.monotonic()
    async with httpx.AsyncClient() as client:
        while time.monotonic() - started < timeout:
            if any(p.poll() is not None for p in processes):
                raise RuntimeError("the relay or the Faust worker exited; see its log")
            try:
                if (await client.get(url, timeout=2)).status_code == 200:
                    return time.monotonic() - started
            except httpx.HTTPError:
                pass
            await asyncio.sleep(0.5)
    raise RuntimeError(f"{url} not healthy after {timeout:.0f} s")


async def counts(sessionmaker, ids: list[int]) -> dict[int, int]:
    async with sessionmaker() as session:
        rows = await session.execute(select(articles.c.id, articles.c.interest_count).where(articles.c.id.in_(ids)))
        return dict(rows.all())


async def run(args: argparse.Namespace, info, prefix: str) -> None:
    await ensure_topics(info.bootstrap_servers, prefix)
    workdir = Path(tempfile.mkdtemp(prefix="bench-interest-"))
    async with scratch_database(info.admin_dsn, "interest_burst") as url:
        await upgrade_head_async(launch.MIGRATIONS, url)
        settings = ProductSettings(
            database_url=url,
            kafka_bootstrap_servers=info.bootstrap_servers,
            media_root=workdir / "media",
            topic_prefix=prefix,
        )
        app = create_app(settings, verifier=test_verifier())
        mount_prototype_route(app)
        logging.getLogger("httpx").setLevel(logging.WARNING)
        processes, agents_health, logs = start_pipeline(info, url, prefix, workdir)
        try:
            ready_s = await wait_healthy(agents_health, processes)
            print(f"relay and Faust agents up in {ready_s:.1f} s (logs: {logs})")
            sessionmaker = app.state.sessionmaker
            users = [FIRST_USER_ID + n for n in range(args.users)]
            tokens = {user: bearer(user) for user in users}
            spare = (await create_articles(sessionmaker, 1))[0]
            results = {key: {"walls": [], "latencies": [], "converged": [], "articles": []} for key in LAYERS}
            async with httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app), base_url="http://product", timeout=60
            ) as client:
                # Warm both paths (pool connections, the verifier's key cache) on a spare article.
                await burst(users[:5], over_http(client, f"/api/products/{spare}/interest", tokens))
                await burst(users[5:10], over_http(client, f"/bench/prototype/{spare}/interest", tokens))
                for _ in range(args.rounds):
                    for key in LAYERS:
                        layer, design = key
                        article_id = (await create_articles(sessionmaker, 1))[0]
                        if layer == "HTTP":
                            prefix_path = "/api/products" if design == "ours" else "/bench/prototype"
                            one = over_http(client, f"{prefix_path}/{article_id}/interest", tokens)
                        else:
                            add = prototype_add_interest if design == "prototype" else add_interest
                            one = in_transaction(sessionmaker, add, article_id, notify=design != "ours, NOTIFY off")
                        wall, latencies = await burst(users, one)
                        # Ours: wait for the projection before the next burst, so the relay and the
                        # Faust worker never steal CPU from the prototype's measurement.
                        converged = await converge(sessionmaker, article_id, args.users, args.converge_timeout)
                        entry = results[key]
                        entry["walls"].append(wall)
                        entry["latencies"] += latencies
                        entry["converged"].append(converged)
                        entry["articles"].append(article_id)
            # Exactly, not at least: a little later, nothing may have been counted twice.
            await asyncio.sleep(2)
            all_ids = [a for entry in results.values() for a in entry["articles"]]
            final = await counts(sessionmaker, all_ids)
            async with app.state.engine.connect() as connection:
                interest_rows = dict(
                    (
                        await connection.execute(
                            text(
                                "SELECT article_id, count(*) FROM interests WHERE article_id = ANY(:ids) GROUP BY article_id"
                            ),
                            {"ids": all_ids},
                        )
                    ).all()
                )
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(20)
                except subprocess.TimeoutExpired:
                    process.kill()
            await app.state.engine.dispose()
    shutil.rmtree(workdir, ignore_errors=True)  # kept only when something failed, for its logs
    requests = args.users * args.rounds
    rows, data = [], {}
    for key in LAYERS:
        layer, design = key
        entry = results[key]
        baseline_rate = requests / sum(results[(layer, "prototype")]["walls"])
        rate = requests / sum(entry["walls"])
        latency = summary_ms(entry["latencies"])
        exact = all(final[a] == args.users == interest_rows.get(a) for a in entry["articles"])
        waits = [c for c in entry["converged"] if c is not None]
        if design == "prototype":
            versus, converged = "1.0×", "in the request"
        else:
            ratio = rate / baseline_rate
            versus = f"{ratio:.2f}× {'✓' if ratio >= 2 else '✗'}"
            converged = (
                f"max {max(waits):.2f} s"
                if len(waits) == len(entry["converged"])
                else f"{len(entry['converged']) - len(waits)} not within {args.converge_timeout:.0f} s"
            )
        rows.append(
            [
                f"{layer}: {LABELS[design]}",
                requests,
                f"{rate:,.0f}/s",
                latency["p50_ms"],
                latency["p99_ms"],
                versus,
                converged,
                "✓" if exact else "✗",
            ]
        )
        data[f"{layer} {design}"] = {
            **latency,
            "per_second": round(rate, 1),
            "exact": exact,
            "converged_seconds": [round(c, 3) if c is not None else None for c in entry["converged"]],
        }
    report(
        "interest_burst",
        f"{args.users} concurrent users marking one article, {args.rounds} rounds per design (goal: ours ≥ 2×, exact)",
        [
            "design",
            "requests",
            "throughput",
            "p50 ms",
            "p99 ms",
            "vs prototype",
            "count converged after burst",
            "count exact",
        ],
        rows,
        {"users": args.users, "rounds": args.rounds, "results": data},
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=200, help="concurrent users per burst")
    parser.add_argument("--rounds", type=int, default=5, help="bursts per design (fresh article each)")
    parser.add_argument("--converge-timeout", type=float, default=60)
    args = parser.parse_args()
    os.environ.setdefault("COLUMNS", "160")
    info = running_stack()
    with fresh_topic_prefix(info.bootstrap_servers) as prefix:  # topics deleted afterwards
        asyncio.run(run(args, info, prefix))
    return 0
