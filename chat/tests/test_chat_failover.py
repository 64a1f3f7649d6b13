"""Two chat processes; one is SIGKILLed while clients talk. Nothing stored is lost or doubled."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import uuid

import httpx
import pytest
import socketio
from chat_test_helpers import (
    ChatClient,
    article_created,
    connected,
    free_port,
    open_room_as,
    seed,
    start_server,
)
from starlette.applications import Starlette
from starlette.responses import JSONResponse
from starlette.routing import Route

from greenmarket.chat.broadcasts import broadcasting_sessionmaker
from greenmarket.infra.db import create_engine
from support.kafka_reading import eventually
from greenmarket.infra.testing.tokens import jwks

SELLER, BUYER = 10, 20
pytestmark = pytest.mark.slow


@pytest.fixture
async def jwks_url():
    """The test key pair's JWKS over HTTP, as the user service would serve it."""
    server = await start_server(Starlette(routes=[Route("/jwks.json", lambda request: JSONResponse(jwks()))]))
    yield f"{server.url}/jwks.json"
    await server.stop()


def spawn(argv: list[str], env: dict[str, str], log_path) -> subprocess.Popen:
    with open(log_path, "wb") as log:  # the child keeps its own copy of the descriptor
        return subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT)


@pytest.fixture
async def chat_processes(chat_settings, jwks_url, tmp_path):
    """Two `uvicorn --factory greenmarket.chat.app:create_app` processes, as `greenmarket up` runs them."""
    env = {
        **os.environ,
        "DATABASE_URL": chat_settings.database_url,
        "REDIS_URL": chat_settings.redis_url,
        "KAFKA_BOOTSTRAP_SERVERS": chat_settings.kafka_bootstrap_servers,
        "TOPIC_PREFIX": chat_settings.topic_prefix,
        "JWKS_URL": jwks_url,
        "RATE_LIMIT_MESSAGES": "1000",
    }
    processes = []
    for index in range(2):
        port = free_port()
        proc = spawn(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "greenmarket.chat.app:create_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
            ],
            env,
            tmp_path / f"chat-{index}.log",
        )
        processes.append((proc, f"http://127.0.0.1:{port}"))
    async with httpx.AsyncClient(timeout=1) as http:
        for proc, url in processes:

            async def ready(url=url, proc=proc) -> bool:
                assert proc.poll() is None, (tmp_path / "chat-0.log").read_text() + (
                    tmp_path / "chat-1.log"
                ).read_text()
                try:
                    return (await http.get(f"{url}/readyz")).status_code == 200
                except httpx.HTTPError:
                    return False

            await eventually(ready, timeout=30, interval=0.2)
    yield processes
    for proc, _ in processes:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    for proc, _ in processes:
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


async def send_until_failure(
    client: ChatClient, room_id: int, texts: list[str], acked: list[dict], after_start=None
) -> list[str]:
    """Send in order; on the first failure return what is left (the failed one first, to retry).

    `after_start(index)` runs while message `index` is on its way (the kill lands mid-flight).
    """
    for index, text in enumerate(texts):
        call = asyncio.ensure_future(
            client.call("send_message", {"roomId": room_id, "text": text, "clientMsgId": text})
        )
        if after_start is not None:
            await after_start(index)
        try:
            ack = await call
        except (
            socketio.exceptions.TimeoutError,
            socketio.exceptions.BadNamespaceError,
            socketio.exceptions.DisconnectedError,
        ):
            return texts[index:]
        assert ack["ok"], ack
        acked.append(ack["message"])
    return []


async def test_sigkill_one_chat_process_while_clients_talk(chat_settings, chat_processes):
    (_, url_a), (proc_b, url_b) = chat_processes
    engine = create_engine(chat_settings.database_url, pool_size=2)
    try:
        await seed(broadcasting_sessionmaker(engine, None), product_events=[article_created(1, SELLER)])
    finally:
        await engine.dispose()
    async with httpx.AsyncClient(base_url=url_a) as http:
        room = await open_room_as(http, BUYER, 1)
    room_id = room["id"]

    buyer = await connected(url_a, BUYER)
    seller = await connected(url_b, SELLER)
    run = uuid.uuid4().hex[:6]
    seller_texts = [f"s-{run}-{n}" for n in range(20)]
    buyer_texts = [f"b-{run}-{n}" for n in range(20)]
    seller_acked: list[dict] = []
    buyer_acked: list[dict] = []

    async def kill_b_during_the_sixth_send(index: int) -> None:
        if index == 5:
            for _ in range(3):  # let the send reach the socket; whether it commits is the point of the retry
                await asyncio.sleep(0)
            proc_b.send_signal(signal.SIGKILL)

    seller_left, buyer_left = await asyncio.gather(
        send_until_failure(seller, room_id, seller_texts, seller_acked, kill_b_during_the_sixth_send),
        send_until_failure(buyer, room_id, buyer_texts, buyer_acked),
    )
    assert buyer_left == []
    assert seller_left == seller_texts[5:], "the seller's process died during the sixth send"
    proc_b.wait(10)

    # The seller's client reconnects to the surviving process and retries what was not acknowledged.
    await seller.close()
    seller = await connected(url_a, SELLER)
    try:
        assert await send_until_failure(seller, room_id, seller_left, seller_acked) == []
        synced = await seller.call("sync", {"roomId": room_id, "afterSeq": 0})
        buyer_synced = await buyer.call("sync", {"roomId": room_id, "afterSeq": 0})
    finally:
        await seller.close()
        await buyer.close()

    items = synced["items"]
    assert synced["ok"] and buyer_synced["items"] == items
    assert [m["seq"] for m in items] == list(range(1, 41)), "every message once, seq without gaps"
    assert sorted(m["text"] for m in items) == sorted(seller_texts + buyer_texts)
    stored = {m["text"]: m for m in items}
    for ack in seller_acked + buyer_acked:
        assert stored[ack["text"]] == ack, "an acknowledged message is exactly what was stored"
    # Each sender's messages are stored in the order they were sent.
    for texts in (seller_texts, buyer_texts):
        assert [stored[t]["seq"] for t in texts] == sorted(stored[t]["seq"] for t in texts)
