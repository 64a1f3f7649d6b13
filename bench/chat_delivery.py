"""Chat delivery across two chat processes, and the memory of idle sockets, against a plain echo.

Same run, same machine, same Redis, two server processes each (uvicorn subprocesses):
- chat: the chat API twice, with the argv of `greenmarket.chat.launch.processes(...)` (auth by
  RS256 JWT against a JWKS served by this benchmark, membership, message stored with its `seq`
  before the fan-out through Redis pub/sub to the other process);
- baseline: a plain python-socketio echo (AsyncServer + AsyncRedisManager, no auth, no database)
  started from this same module (`--serve-echo`): what Socket.IO across two processes costs alone.
Delivery: `--rooms` buyer/seller pairs; buyers' python-socketio clients on process A send
`send_message` at `--rate` messages/s in total for `--seconds`; sellers' clients on process B
receive; latency = receive time − send time stamped in the text (one clock, one machine).
Idle sockets: `--idle` websocket connections (Engine.IO/Socket.IO handshake done, then silent
except for ping answers) are opened on process A; the growth of A's resident memory is reported per
socket and scaled to 5,000.
Goals (DESIGN.md): delivery p99 ≤ 30 ms at 500 messages/s; 5,000 idle sockets per process < 1 GB.

    uv run python -m bench chat_delivery [--rate 500] [--seconds 10] [--rooms 50] [--idle 1000]

`--idle 5000` is the full-size memory run (the default 1,000 keeps the client side light on the
shared 2-core machine; the per-socket figure is what scales).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import aiohttp
import httpx
import socketio

from bench._support import free_port, report, running_stack, scratch_database, stop, summary_ms
from greenmarket.chat import launch
from greenmarket.chat.migrations import MIGRATIONS_DIR
from greenmarket.chat.service.projections import apply_product_events, apply_user_events
from greenmarket.infra.db import create_engine, create_sessionmaker
from greenmarket.infra.migrations import upgrade_head_async
from greenmarket.infra.stack.services import ServiceContext
from greenmarket.infra.testing.tokens import bearer, jwks, make_token
from greenmarket.schemas.events.product import ProductCreated
from greenmarket.schemas.events.user import UserRegistered

PATH = "/ws/chat"
SELLER_BASE, BUYER_BASE, IDLE_BASE = 100_000, 200_000, 300_000


# ---------------------------------------------------------------- the baseline server


def serve_echo(port: int, redis_url: str, channel: str) -> None:
    """A plain python-socketio server: join the rooms the client names, re-emit what it sends."""
    import uvicorn

    sio = socketio.AsyncServer(async_mode="asgi", client_manager=socketio.AsyncRedisManager(redis_url, channel=channel))

    @sio.event
    async def connect(sid, environ, auth=None):
        for room in (auth or {}).get("rooms", []):
            await sio.enter_room(sid, f"room:{room}")

    @sio.event
    async def send_message(sid, data):
        await sio.emit("message", data, room=f"room:{data['roomId']}")
        return {"ok": True}

    uvicorn.run(socketio.ASGIApp(sio, socketio_path=PATH.lstrip("/")), host="127.0.0.1", port=port, log_level="warning")


# ---------------------------------------------------------------- processes


def serve_jwks() -> tuple[ThreadingHTTPServer, str]:
    """The test key set over HTTP, as the user service publishes its own."""
    body = json.dumps(jwks()).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/.well-known/jwks.json"


def chat_processes(info, url: str, prefix: str, jwks_url: str, logs: Path) -> tuple[list[subprocess.Popen], list[str]]:
    ctx = ServiceContext(
        repo_root=Path.cwd(),
        state_dir=logs,
        kafka_bootstrap_servers=info.bootstrap_servers,
        redis_url=info.redis_url,
        admin_dsn=info.admin_dsn,
        media_root=logs / "media",
        gateway_url="http://127.0.0.1:1",
        jwks_url=jwks_url,
    )
    apis = [spec for spec in launch.processes(ctx) if spec.name.startswith("chat-api-")][:2]
    processes, urls = [], []
    for spec in apis:
        port = free_port()
        argv = list(spec.argv)
        argv[argv.index("--port") + 1] = str(port)
        env = {
            **os.environ,
            **spec.env,
            "DATABASE_URL": url,
            "TOPIC_PREFIX": prefix,
            "RATE_LIMIT_MESSAGES": str(10**9),
        }  # the per-user limit is not what we measure
        log = open(logs / f"{spec.name}.log", "wb")  # noqa: SIM115 - lives as long as the process
        processes.append(subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT))
        urls.append(f"http://127.0.0.1:{port}")
    return processes, urls


def echo_processes(info, channel: str, logs: Path) -> tuple[list[subprocess.Popen], list[str]]:
    processes, urls = [], []
    for n in range(2):
        port = free_port()
        log = open(logs / f"echo-{n + 1}.log", "wb")  # noqa: SIM115
        processes.append(
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "bench",
                    "chat_delivery",
                    "--serve-echo",
                    str(port),
                    "--redis-url",
                    info.redis_url,
                    "--channel",
                    channel,
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        )
        urls.append(f"http://127.0.0.1:{port}")
    return processes, urls


async def wait_up(urls: list[str], processes: list[subprocess.Popen], path: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    async with httpx.AsyncClient() as client:
        for url in urls:
            while True:
                if any(p.poll() is not None for p in processes):
                    raise RuntimeError("a server process exited; see its log")
                try:
                    if (await client.get(url + path, timeout=2)).status_code < 500:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{url} did not come up")
                await asyncio.sleep(0.3)


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


# ---------------------------------------------------------------- chat fixtures


async def seed_rooms(url: str, api: str, rooms: int) -> list[int]:
    """Articles and profiles in the chat's projections, then one room per buyer through the API."""
    engine = create_engine(url)
    async with create_sessionmaker(engine)() as session, session.begin():
        await apply_product_events(
            session,
            [
                ProductCreated(
                    article_id=n + 1,
                    seller_id=SELLER_BASE + n,
                    title="자전거 팝니다",
                    price=50000,
                    status="ON_SALE",
                    category_id=5,
                    address1="서울특별시",
                    address2="마포구",
                    thumb_url=None,
                ).envelope(aggregate_id=n + 1, producer="product")
                for n in range(rooms)
            ],
        )
        await apply_user_events(
            session,
            [
                UserRegistered(
                    user_id=user,
                    nickname=f"이웃{user}",
                    address1="서울특별시",
                    address2="마포구",
                    profile_image_url=None,
                ).envelope(aggregate_id=user, producer="user")
                for n in range(rooms)
                for user in (SELLER_BASE + n, BUYER_BASE + n)
            ],
        )
    await engine.dispose()
    room_ids = []
    async with httpx.AsyncClient(base_url=api, timeout=30) as http:
        for n in range(rooms):
            response = await http.post("/api/chat/rooms", json={"articleId": n + 1}, headers=bearer(BUYER_BASE + n))
            assert response.status_code in (200, 201), response.text
            room_ids.append(response.json()["id"])
    return room_ids


# ---------------------------------------------------------------- measurements


async def delivery(urls: list[str], room_ids: list[int], rate: int, seconds: float, *, chat: bool) -> dict:
    """Buyers on process A send, sellers on process B receive; latencies and failed sends."""
    latencies: list[float] = []
    sellers, buyers = [], []

    async def on_message(data):
        text = data.get("text", "")
        if text.startswith("t="):
            latencies.append(time.time() - float(text[2:]))

    async def client(user: int, server: str, room_id: int, *, receiving: bool) -> socketio.AsyncClient:
        sio = socketio.AsyncClient(reconnection=False)
        if receiving:
            sio.on("message", on_message)
        auth = {"token": make_token(user)} if chat else {"rooms": [room_id]}
        await sio.connect(server, socketio_path=PATH, transports=["websocket"], auth=auth, wait_timeout=20)
        return sio

    for n, room_id in enumerate(room_ids):
        sellers.append(await client(SELLER_BASE + n, urls[1], room_id, receiving=True))
        buyers.append(await client(BUYER_BASE + n, urls[0], room_id, receiving=False))
    failures = 0

    async def send(n: int) -> None:
        nonlocal failures
        room = n % len(room_ids)
        payload = {"roomId": room_ids[room], "text": f"t={time.time():.6f}", "clientMsgId": uuid.uuid4().hex}
        try:
            answer = await buyers[room].call("send_message", payload, timeout=30)
            failures += not answer.get("ok")
        except Exception:
            failures += 1

    async def paced(count: int) -> None:
        interval, started, pending = 1.0 / rate, time.perf_counter(), []
        for n in range(count):
            delay = started + n * interval - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            pending.append(asyncio.create_task(send(n)))
        await asyncio.gather(*pending)

    await paced(min(rate, 100))  # warm-up: connections, statement caches
    deadline = time.monotonic() + 10
    while len(latencies) < min(rate, 100) - failures and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    latencies.clear()
    failures = 0
    expected = int(rate * seconds)
    started = time.perf_counter()
    await paced(expected)
    sent_in = time.perf_counter() - started
    deadline = time.monotonic() + 30
    while len(latencies) < expected - failures and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    for sio in sellers + buyers:
        await sio.disconnect()
    return {
        **summary_ms(latencies),
        "sent": expected,
        "received": len(latencies),
        "failed_sends": failures,
        "achieved_rate": round(expected / sent_in, 1),
    }


async def idle_socket(session: aiohttp.ClientSession, url: str, auth: dict, ready: asyncio.Queue) -> None:
    """One quiet Socket.IO connection spoken by hand (a full client per socket would weigh more
    than the server side we measure): Engine.IO open, Socket.IO connect, then only pong to ping."""
    ws_url = url.replace("http", "ws") + f"{PATH}/?EIO=4&transport=websocket"
    try:
        async with session.ws_connect(ws_url, heartbeat=None) as ws:
            await ws.receive()  # "0{...}" Engine.IO open
            await ws.send_str("40" + json.dumps(auth))
            answer = await ws.receive()
            await ready.put(str(answer.data).startswith("40"))
            async for frame in ws:
                if frame.type == aiohttp.WSMsgType.TEXT and frame.data == "2":
                    await ws.send_str("3")
    except Exception:
        await ready.put(False)


async def idle_memory(url: str, pid: int, count: int, *, chat: bool) -> dict:
    before = rss_kib(pid)
    ready: asyncio.Queue = asyncio.Queue()
    connector = aiohttp.TCPConnector(limit=0)
    tasks = []
    async with aiohttp.ClientSession(connector=connector) as session:
        opened = 0
        for start in range(0, count, 100):  # in waves, so the server's accept queue never overflows
            for n in range(start, min(count, start + 100)):
                auth = {"token": make_token(IDLE_BASE + n)} if chat else {}
                tasks.append(asyncio.create_task(idle_socket(session, url, auth, ready)))
            for _ in range(min(count, start + 100) - start):
                opened += await asyncio.wait_for(ready.get(), 60)
        await asyncio.sleep(2)  # let the server settle (allocations after the handshake)
        after = rss_kib(pid)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    per_socket_kib = (after - before) / max(opened, 1)
    return {
        "sockets": opened,
        "rss_before_mib": round(before / 1024, 1),
        "rss_after_mib": round(after / 1024, 1),
        "per_socket_kib": round(per_socket_kib, 1),
        "per_5000_mib": round(per_socket_kib * 5000 / 1024, 1),
    }


async def run(args: argparse.Namespace) -> None:
    info = running_stack()
    prefix = f"bench{uuid.uuid4().hex[:6]}."  # namespaces the Redis channel and keys; no Kafka topic
    logs = Path(tempfile.mkdtemp(prefix="bench-chat-"))
    jwks_server, jwks_url = serve_jwks()
    results: dict[str, dict] = {}
    try:
        processes, urls = echo_processes(info, f"{prefix}echo", logs)
        try:
            await wait_up(urls, processes, f"{PATH}/?EIO=4&transport=polling")
            results["echo"] = await delivery(urls, list(range(1, args.rooms + 1)), args.rate, args.seconds, chat=False)
            results["echo"]["idle"] = await idle_memory(urls[0], processes[0].pid, args.idle, chat=False)
        finally:
            stop(processes)
        async with scratch_database(info.admin_dsn, "chat_delivery") as url:
            await upgrade_head_async(MIGRATIONS_DIR, url)
            if not args.outbox_notify:
                # The chat database's outbox trigger sends no NOTIFY (see docs/messaging.md).
                import asyncpg

                connection = await asyncpg.connect(url.replace("postgresql+asyncpg://", "postgresql://"))
                database = url.rsplit("/", 1)[1]
                await connection.execute(f"ALTER DATABASE {database} SET greenmarket.outbox_notify = 'off'")
                await connection.close()
            processes, urls = chat_processes(info, url, prefix, jwks_url, logs)
            try:
                await wait_up(urls, processes, "/healthz")
                room_ids = await seed_rooms(url, urls[0], args.rooms)
                results["chat"] = await delivery(urls, room_ids, args.rate, args.seconds, chat=True)
                results["chat"]["idle"] = await idle_memory(urls[0], processes[0].pid, args.idle, chat=True)
            finally:
                stop(processes)
    finally:
        jwks_server.shutdown()
    shutil.rmtree(logs, ignore_errors=True)  # kept only when something failed
    rows = []
    for name, label in (
        ("echo", "plain python-socketio echo, 2 processes (baseline)"),
        ("chat", "chat service, 2 processes (auth, stored, seq)"),
    ):
        r = results[name]
        idle = r["idle"]
        p99_note = "" if name == "echo" else (" ✓" if r["p99_ms"] <= 30 else " ✗")
        mem_note = "" if name == "echo" else (" ✓" if idle["per_5000_mib"] < 1024 else " ✗")
        rows.append(
            [
                label,
                f"{r['achieved_rate']:,.0f}/s",
                f"{r['received']}/{r['sent']}",
                r["failed_sends"],
                r["p50_ms"],
                f"{r['p99_ms']}{p99_note}",
                idle["sockets"],
                idle["per_socket_kib"],
                f"{idle['per_5000_mib']}{mem_note}",
            ]
        )
    chat_p99, echo_p99 = results["chat"]["p99_ms"], results["echo"]["p99_ms"]
    report(
        "chat_delivery",
        f"Delivery A → B at {args.rate} msg/s over {args.rooms} rooms for {args.seconds:.0f} s; idle sockets on A "
        f"(chat p99 is {chat_p99 / max(echo_p99, 0.01):.1f}× the echo's; goals: p99 ≤ 30 ms, 5,000 idle < 1 GB)",
        [
            "server",
            "send rate",
            "delivered",
            "failed",
            "p50 ms",
            "p99 ms",
            "idle sockets",
            "KiB/socket",
            "MiB per 5,000",
        ],
        rows,
        {"rate": args.rate, "seconds": args.seconds, "rooms": args.rooms, "idle": args.idle, "results": results},
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rate", type=int, default=500, help="messages per second, all rooms together")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--rooms", type=int, default=50, help="buyer/seller pairs (one room each)")
    parser.add_argument("--idle", type=int, default=1000, help="idle sockets opened on process A")
    parser.add_argument(
        "--no-outbox-notify",
        dest="outbox_notify",
        action="store_false",
        help="turn the outbox NOTIFY off in the chat DB",
    )
    parser.add_argument("--serve-echo", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--redis-url", help=argparse.SUPPRESS)
    parser.add_argument("--channel", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_echo:
        serve_echo(args.serve_echo, args.redis_url, args.channel)
        return 0
    os.environ.setdefault("COLUMNS", "170")
    asyncio.run(run(args))
    return 0
