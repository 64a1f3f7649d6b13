"""Trade sagas end to end (reserve → RESERVED): latency and sagas/s, against a raw Kafka round trip.

Same run, same broker:
1. floor: a raw aiokafka command/reply round trip (produce a command, a bare consumer answers on
   the reply topic, the sender reads the reply) at the same rate. A reserve saga has two steps
   (product ReserveArticle, chat ConfirmTradeRoom), so its floor is two round trips.
2. sagas: sellers `POST /api/trades` (sagas app in process, httpx ASGITransport) at `--rate` for
   `--seconds`, one fresh article and chat room per trade (seeded in the orchestrator's
   projections). The orchestrator's worker and relay run as subprocesses with the argv of
   `greenmarket.sagas.launch.processes(...)`; the participants are lightweight ones built on
   `greenmarket.infra.messaging.participant.Participant` (they accept every command at once), in a
   subprocess of their own (this module with `--serve-participants`), sharing the orchestrator's
   database and relay as the sagas tests do. Latency = trade `reserved_at` − `created_at` (both
   written by the orchestrator); sagas/s = trades / (last reserved − first created).
Then a backlog of `--burst` trades is submitted by 50 sellers at once: its sagas/s is the top speed.
The orchestrator's overhead is the paced saga latency minus the floor's two round trips.
Goals (DESIGN.md): p99 ≤ 250 ms end to end, ≥ 100 sagas/s.

    uv run python -m bench trade_saga [--rate 100] [--seconds 10] [--burst 500]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer
from sqlalchemy import func, select

from bench._support import free_port, report, running_stack, scratch_database, stop, summary_ms
from greenmarket.infra.db import create_engine, create_sessionmaker
from greenmarket.infra.messaging.participant import Participant
from greenmarket.infra.messaging.topics import ensure_topics
from greenmarket.infra.migrations import upgrade_head_async
from greenmarket.infra.stack.services import ServiceContext
from greenmarket.infra.testing.fixtures import fresh_topic_prefix
from greenmarket.infra.testing.tokens import bearer, test_verifier
from greenmarket.sagas import launch
from greenmarket.sagas.app import create_app
from greenmarket.sagas.models import saga_steps, trades
from greenmarket.sagas.orchestrator import MIGRATIONS_DIR
from greenmarket.sagas.settings import Settings
from greenmarket.sagas.trades.projections import apply_event
from greenmarket.schemas import commands as c
from greenmarket.schemas.events.chat import ChatRoomCreated
from greenmarket.schemas.events.product import ProductCreated

SELLER_BASE, BUYER_BASE = 1_000_000, 2_000_000
PARTICIPANT_COMMANDS = {
    "product": [c.ReserveArticle, c.ReleaseArticle, c.MarkArticleSold, c.WithdrawUserArticles, c.RestoreUserArticles],
    "chat": [c.ConfirmTradeRoom, c.PostTradeMessage, c.CloseUserRooms],
}


# ---------------------------------------------------------------- participants (subprocess)


async def accept(session, command) -> dict:
    return {}


async def serve_participants(database_url: str, bootstrap: str, prefix: str) -> None:
    engine = create_engine(database_url, pool_size=5)
    sessionmaker = create_sessionmaker(engine)
    stop = asyncio.Event()
    runners = [
        Participant(service, dict.fromkeys(commands, accept)).runner(
            sessionmaker, bootstrap_servers=bootstrap, topic_prefix=prefix
        )
        for service, commands in PARTICIPANT_COMMANDS.items()
    ]
    tasks = [asyncio.create_task(runner.run(stop)) for runner in runners]
    for runner in runners:
        await runner.started.wait()
    print("participants ready", flush=True)
    await asyncio.gather(*tasks)


# ---------------------------------------------------------------- floor


async def paced(rate: int, seconds: float, action) -> None:
    interval, started, pending = 1.0 / rate, time.perf_counter(), []
    for n in range(int(rate * seconds)):
        delay = started + n * interval - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        pending.append(asyncio.create_task(action(n)))
    await asyncio.gather(*pending)


async def raw_round_trip(bootstrap: str, prefix: str, rate: int, seconds: float) -> list[float]:
    commands, replies = prefix + "product.commands", prefix + "saga.replies"
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True, acks="all", linger_ms=1)
    answerer = AIOKafkaConsumer(
        commands, bootstrap_servers=bootstrap, group_id=prefix + "raw-participant", auto_offset_reset="earliest"
    )
    reader = AIOKafkaConsumer(replies, bootstrap_servers=bootstrap, group_id=None, auto_offset_reset="latest")
    await producer.start()
    await answerer.start()
    await reader.start()
    await reader.seek_to_end()
    latencies: list[float] = []
    expected = int(rate * seconds)

    async def answer():
        async for record in answerer:
            await producer.send(replies, record.value, key=record.key)

    async def read():
        while len(latencies) < expected:
            for records in (await reader.getmany(timeout_ms=200)).values():
                now = time.time()
                latencies.extend(now - json.loads(r.value)["sentAt"] for r in records)

    answering, reading = asyncio.create_task(answer()), asyncio.create_task(read())
    await asyncio.sleep(3)  # the answerer's group join, before the clock starts

    async def send(n: int) -> None:
        await producer.send(commands, json.dumps({"sentAt": time.time()}).encode(), key=str(n).encode())

    await paced(rate, seconds, send)
    try:
        await asyncio.wait_for(reading, 60)
    finally:
        answering.cancel()
        await asyncio.gather(answering, return_exceptions=True)
        await answerer.stop()
        await reader.stop()
        await producer.stop()
    return latencies


# ---------------------------------------------------------------- the orchestrator


def start_processes(info, url: str, prefix: str, workdir: Path) -> tuple[list[subprocess.Popen], list[str]]:
    ctx = ServiceContext(
        repo_root=Path.cwd(),
        state_dir=workdir,
        kafka_bootstrap_servers=info.bootstrap_servers,
        redis_url=info.redis_url,
        admin_dsn=info.admin_dsn,
        media_root=workdir / "media",
        gateway_url="http://127.0.0.1:1",
        jwks_url="http://127.0.0.1:1/jwks",
    )
    specs = {spec.name: spec for spec in launch.processes(ctx)}
    processes, probes = [], []
    for name in ("sagas-relay", "sagas-worker"):
        spec, port = specs[name], free_port()
        argv = list(spec.argv)
        argv[argv.index("--probe-port") + 1] = str(port)
        env = {**os.environ, **spec.env, "DATABASE_URL": url, "TOPIC_PREFIX": prefix}
        log = open(workdir / f"{name}.log", "wb")  # noqa: SIM115 - lives as long as the process
        processes.append(subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT))
        probes.append(f"http://127.0.0.1:{port}/readyz")
    log = open(workdir / "participants.log", "wb")  # noqa: SIM115
    processes.append(
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bench",
                "trade_saga",
                "--serve-participants",
                url,
                "--bootstrap",
                info.bootstrap_servers,
                "--prefix",
                prefix,
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    )
    return processes, probes


def participants_ready(log: Path) -> bool:
    return "participants ready" in log.read_text(errors="replace")


async def wait_ready(probes: list[str], processes: list[subprocess.Popen], participants_log: Path) -> None:
    deadline = time.monotonic() + 90
    async with httpx.AsyncClient() as client:
        pending = list(probes)
        while pending or not participants_ready(participants_log):
            if any(p.poll() is not None for p in processes):
                raise RuntimeError(f"an orchestrator or participant process exited; logs in {participants_log.parent}")
            if time.monotonic() > deadline:
                raise RuntimeError(f"not ready after 90 s; logs in {participants_log.parent}")
            for probe in list(pending):
                try:
                    if (await client.get(probe, timeout=2)).status_code == 200:
                        pending.remove(probe)
                except httpx.HTTPError:
                    pass
            await asyncio.sleep(0.3)


async def seed(sessionmaker, count: int) -> None:
    """Article n is for sale by seller n and buyer n has a chat room for it, as the events would say."""
    async with sessionmaker() as session, session.begin():
        for n in range(1, count + 1):
            for event in (
                ProductCreated(
                    article_id=n,
                    seller_id=SELLER_BASE + n,
                    title="자전거",
                    price=10000,
                    status="ON_SALE",
                    category_id=5,
                    address1="서울",
                    address2="마포구",
                ),
                ChatRoomCreated(room_id=n, article_id=n, buyer_id=BUYER_BASE + n, seller_id=SELLER_BASE + n),
            ):
                await apply_event(session, event.envelope(aggregate_id=n, producer="bench"))


def latency_and_rate(rows) -> dict:
    reserved = [r for r in rows if r.status == "RESERVED" and r.reserved_at is not None]
    latencies = [(r.reserved_at - r.created_at).total_seconds() for r in reserved]
    span = (
        (max(r.reserved_at for r in reserved) - min(r.created_at for r in reserved)).total_seconds() if reserved else 0
    )
    return {
        **summary_ms(latencies),
        "reserved": len(reserved),
        "other_states": len(rows) - len(reserved),
        "sagas_per_second": round(len(reserved) / span, 1) if span else 0.0,
    }


async def sagas(info, url: str, prefix: str, rate: int, seconds: float, burst: int, workdir: Path) -> dict:
    count, warmup = int(rate * seconds), 20
    total = count + warmup + burst
    settings = Settings(database_url=url, kafka_bootstrap_servers=info.bootstrap_servers, topic_prefix=prefix)
    engine = create_engine(url)
    sessionmaker = create_sessionmaker(engine)
    await seed(sessionmaker, total)
    tokens = {n: bearer(SELLER_BASE + n) for n in range(1, total + 1)}
    processes, probes = start_processes(info, url, prefix, workdir)
    app = create_app(settings, verifier=test_verifier())
    logging.getLogger("httpx").setLevel(logging.WARNING)
    refused = 0
    try:
        await wait_ready(probes, processes, workdir / "participants.log")
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://sagas", timeout=60
        ) as client:

            async def reserve(n: int) -> None:
                nonlocal refused
                response = await client.post(
                    "/api/trades", json={"articleId": n, "buyerId": BUYER_BASE + n}, headers=tokens[n]
                )
                refused += response.status_code != 202

            async def settled(ids: range) -> int:
                async with sessionmaker() as session:
                    return (
                        await session.execute(
                            select(func.count())
                            .select_from(trades)
                            .where(trades.c.article_id.in_(list(ids)), trades.c.status.notin_(["RESERVING"]))
                        )
                    ).scalar_one()

            async def wait_settled(ids: range, timeout: float) -> None:
                deadline = time.monotonic() + timeout
                while await settled(ids) < len(ids) - refused and time.monotonic() < deadline:
                    await asyncio.sleep(0.1)

            # Warm-up sagas on their own articles: consumer groups joined, caches and pools warm.
            await asyncio.gather(*(reserve(count + n) for n in range(1, warmup + 1)))
            await wait_settled(range(count + 1, count + warmup + 1), 60)
            refused = 0
            started = time.perf_counter()
            await paced(rate, seconds, lambda n: reserve(n + 1))
            submitted_in = time.perf_counter() - started
            await wait_settled(range(1, count + 1), 120)
            paced_refused, refused = refused, 0
            # Top speed: a backlog of trades submitted as fast as 50 sellers can click.
            queue = iter(range(count + warmup + 1, total + 1))

            async def seller_lane() -> None:
                for n in queue:
                    await reserve(n)

            await asyncio.gather(*(seller_lane() for _ in range(50)))
            await wait_settled(range(count + warmup + 1, total + 1), 120)
        async with sessionmaker() as session:
            columns = select(trades.c.status, trades.c.created_at, trades.c.reserved_at)
            paced_rows = (await session.execute(columns.where(trades.c.article_id <= count))).all()
            burst_rows = (await session.execute(columns.where(trades.c.article_id > count + warmup))).all()
            # Where the paced sagas' time goes: each step from its command's row to its reply applied.
            step_rows = (
                await session.execute(
                    select(saga_steps.c.command_type, saga_steps.c.created_at, saga_steps.c.finished_at)
                    .join(trades, trades.c.saga_id == saga_steps.c.saga_id)
                    .where(
                        trades.c.article_id <= count,
                        saga_steps.c.finished_at.is_not(None),
                        saga_steps.c.command_type.is_not(None),
                    )
                )
            ).all()
    finally:
        stop(processes)
        await app.state.engine.dispose()
        await engine.dispose()
    return {
        "paced": {
            **latency_and_rate(paced_rows),
            "submitted": count,
            "refused_requests": paced_refused,
            "submit_rate": round(count / submitted_in, 1),
        },
        "burst": {**latency_and_rate(burst_rows), "submitted": burst, "refused_requests": refused},
        "steps": {
            kind: summary_ms(
                [(r.finished_at - r.created_at).total_seconds() for r in step_rows if r.command_type == kind]
            )
            for kind in sorted({r.command_type for r in step_rows})
        },
    }


async def run(args: argparse.Namespace, info, raw_prefix: str, prefix: str) -> None:
    await ensure_topics(info.bootstrap_servers, raw_prefix)
    await ensure_topics(info.bootstrap_servers, prefix)
    floor = summary_ms(await raw_round_trip(info.bootstrap_servers, raw_prefix, args.rate, args.seconds))
    workdir = Path(tempfile.mkdtemp(prefix="bench-sagas-"))
    async with scratch_database(info.admin_dsn, "trade_saga") as url:
        await upgrade_head_async(MIGRATIONS_DIR, url)
        measured = await sagas(info, url, prefix, args.rate, args.seconds, args.burst, workdir)
    shutil.rmtree(workdir, ignore_errors=True)  # kept only when something failed, for its logs
    paced_s, burst_s = measured["paced"], measured["burst"]
    overhead_p50 = paced_s["p50_ms"] - 2 * floor["p50_ms"]
    overhead_p99 = paced_s["p99_ms"] - 2 * floor["p99_ms"]
    rows = [
        [
            "raw aiokafka command → reply (floor)",
            floor["count"],
            f"{args.rate}/s offered",
            floor["p50_ms"],
            floor["p99_ms"],
            "",
            "",
        ],
        [
            "floor × 2 (the reserve saga's two steps)",
            "",
            "",
            round(2 * floor["p50_ms"], 2),
            round(2 * floor["p99_ms"], 2),
            "",
            "",
        ],
        [
            f"trade saga POST → RESERVED, {args.rate}/s offered",
            f"{paced_s['reserved']}/{paced_s['submitted']}",
            f"{paced_s['sagas_per_second']:,.1f}/s",
            paced_s["p50_ms"],
            f"{paced_s['p99_ms']} {'✓' if paced_s['p99_ms'] <= 250 else '✗'} (≤ 250)",
            round(overhead_p50, 2),
            round(overhead_p99, 2),
        ],
        *[
            [f"  step {kind}: command row → reply applied", step["count"], "", step["p50_ms"], step["p99_ms"], "", ""]
            for kind, step in measured["steps"].items()
        ],
        [
            f"trade saga, backlog of {args.burst} (top speed)",
            f"{burst_s['reserved']}/{burst_s['submitted']}",
            f"{burst_s['sagas_per_second']:,.1f}/s {'✓' if burst_s['sagas_per_second'] >= 100 else '✗'} (≥ 100)",
            burst_s["p50_ms"],
            burst_s["p99_ms"],
            "",
            "",
        ],
    ]
    report(
        "trade_saga",
        f"Trade sagas (reserve): {args.rate}/s for {args.seconds:.0f} s, then a backlog of {args.burst}, "
        "against the raw round trip",
        ["measurement", "count", "sagas/s", "p50 ms", "p99 ms", "overhead p50 ms", "overhead p99 ms"],
        rows,
        {
            "rate": args.rate,
            "seconds": args.seconds,
            "burst": args.burst,
            "floor": floor,
            "sagas": measured,
            "orchestrator_overhead_ms": {"p50": round(overhead_p50, 2), "p99": round(overhead_p99, 2)},
        },
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=int, default=100, help="trades submitted per second")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--burst", type=int, default=500, help="trades submitted at once for the top speed")
    parser.add_argument("--serve-participants", metavar="DATABASE_URL", help=argparse.SUPPRESS)
    parser.add_argument("--bootstrap", help=argparse.SUPPRESS)
    parser.add_argument("--prefix", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_participants:
        asyncio.run(serve_participants(args.serve_participants, args.bootstrap, args.prefix))
        return 0
    os.environ.setdefault("COLUMNS", "160")
    info = running_stack()
    # Two namespaces (the floor's and the sagas'), their topics deleted afterwards.
    with fresh_topic_prefix(info.bootstrap_servers) as raw_prefix, fresh_topic_prefix(info.bootstrap_servers) as prefix:
        asyncio.run(run(args, info, raw_prefix, prefix))
    return 0
