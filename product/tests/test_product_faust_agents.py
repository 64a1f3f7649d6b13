"""The real Faust worker (`python -m greenmarket.product.agents worker`) keeps both projections,
also when it is killed and restarted while events keep coming."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from contextlib import contextmanager

import httpx
import pytest
from product_test_helpers import create, outbox_events, produce
from sqlalchemy import select

from greenmarket.infra.messaging.topics import ensure_topics, topic_name
from greenmarket.infra.testing.tokens import bearer
from greenmarket.product.models import articles
from greenmarket.schemas import Envelope
from greenmarket.schemas.events.user import UserRegistered
from support.kafka_reading import eventually, relay_for, running

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def faust_worker(settings, topic_prefix: str, tmp_path, port: int):
    env = {
        **os.environ,
        "DATABASE_URL": settings.database_url,
        "KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
        "TOPIC_PREFIX": topic_prefix,
        "AGENTS_PROBE_PORT": str(port),
        # The killed worker's group membership must expire before the restarted one gets its
        # partitions; Faust's default (60 s) would only make the test slow.
        "BROKER_SESSION_TIMEOUT": "8",
    }
    log = open(tmp_path / f"agents-{port}.log", "wb")  # noqa: SIM115 - open while the worker runs
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "greenmarket.product.agents",
            "--datadir",
            str(tmp_path / "faust"),
            "worker",
            "-l",
            "warn",
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()


async def test_faust_worker_counts_exactly_across_a_kill(
    client, sessionmaker, stack, topic_prefix, product_settings, tmp_path
):
    await ensure_topics(stack.bootstrap_servers, topic_prefix)
    article = await create(client, 1)
    url = f"/api/products/{article['id']}/interest"

    async def count() -> int:
        async with sessionmaker() as session:
            return (
                await session.execute(select(articles.c.interest_count).where(articles.c.id == article["id"]))
            ).scalar_one()

    relay = relay_for(product_settings.database_url, stack.bootstrap_servers, topic_prefix)
    port = free_port()
    async with running(relay.run):
        with faust_worker(product_settings, topic_prefix, tmp_path, port) as worker:

            async def ready() -> bool:
                try:
                    async with httpx.AsyncClient() as http:
                        return (await http.get(f"http://127.0.0.1:{port}/healthz")).status_code == 200
                except httpx.HTTPError:
                    return worker.poll() is not None

            await eventually(ready, timeout=60)
            assert worker.poll() is None, (tmp_path / f"agents-{port}.log").read_text()
            for user_id in range(100, 120):
                assert (await client.post(url, headers=bearer(user_id))).status_code == 201

            async def some_counted() -> bool:
                return await count() > 0

            await eventually(some_counted, timeout=60)
            worker.kill()  # no goodbye: offsets may lag behind the database
            worker.wait()
        for user_id in range(120, 130):
            assert (await client.post(url, headers=bearer(user_id))).status_code == 201
        for user_id in range(100, 103):
            assert (await client.delete(url, headers=bearer(user_id))).status_code == 204
        # Duplicates of everything, and a seller profile for the other agent.
        duplicates = [Envelope(**e) for e in await outbox_events(sessionmaker, "InterestAdded", "InterestRemoved")]
        await produce(stack.bootstrap_servers, topic_name("product.events", topic_prefix), duplicates)
        registered = UserRegistered(user_id=1, nickname="판매왕", address1="서울특별시", address2="강남구")
        await produce(
            stack.bootstrap_servers,
            topic_name("user.events", topic_prefix),
            [registered.envelope(aggregate_id=1, producer="user")],
        )
        with faust_worker(product_settings, topic_prefix, tmp_path, port):

            async def converged() -> bool:
                return await count() == 27

            await eventually(converged, timeout=90)

            async def seller_known() -> bool:
                return (await client.get(f"/api/products/{article['id']}")).json()["seller"]["nickname"] == "판매왕"

            await eventually(seller_known, timeout=30)
    assert await count() == 27
