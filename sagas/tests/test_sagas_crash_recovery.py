"""The orchestrator worker SIGKILLed between steps, restarted: in-flight sagas finish."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys

import pytest
from sagas_harness import FakeParticipant

from greenmarket.sagas.trades import service as trades
from support.kafka_reading import eventually

SELLER, BUYER = 11, 22


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start_worker(harness) -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": harness.settings.database_url,
        "KAFKA_BOOTSTRAP_SERVERS": harness.bootstrap_servers,
        "TOPIC_PREFIX": harness.topic_prefix,
        # Longer than the restarted worker's rejoin of its consumer group (the killed member is only
        # evicted after its session timeout): replies waiting in Kafka are read before any timeout.
        "SAGA_STEP_TIMEOUT": "20",
        "SAGA_STEP_ATTEMPTS": "3",
        "SAGA_TIMER_INTERVAL": "0.1",
    }
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "greenmarket.sagas.worker",
            "--probe-port",
            str(_free_port()),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def _answered(fake) -> bool:
    return bool(fake.received)


@pytest.mark.slow
async def test_worker_sigkilled_between_steps(harness):
    harness.start_relay()
    product = harness.start_participant(FakeParticipant("product"))
    await harness.seed_article(1, SELLER, buyers=(BUYER,))
    worker = _start_worker(harness)
    try:
        async with harness.sessionmaker() as session, session.begin():
            trade = await trades.reserve(session, harness.engine, seller_id=SELLER, article_id=1, buyer_id=BUYER)

        async def waiting_for_chat() -> bool:
            return ("FORWARD", "ConfirmTradeRoom", "PENDING") in await harness.steps(trade.saga_id)

        await eventually(waiting_for_chat, timeout=30)
        worker.send_signal(signal.SIGKILL)
        worker.wait(10)
        # While the orchestrator is dead chat comes up and answers; the reply waits in Kafka.
        chat = harness.start_participant(FakeParticipant("chat"))
        await eventually(lambda: _answered(chat), timeout=30)
        assert (await harness.trade(trade.id)).status == "RESERVING"
        worker = _start_worker(harness)
        await harness.wait_trade(trade.id, "RESERVED", timeout=40)
        saga = await harness.wait_saga(trade.saga_id, "COMPLETED")
        assert saga.data["results"]["confirm_trade_room"] == {"handledBy": "chat"}
        assert set(product.received) == {"ReserveArticle"}  # resent if product joined slowly; never released
    finally:
        worker.kill()
        worker.wait(10)
