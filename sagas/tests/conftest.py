"""Fixtures of the sagas tests (helpers live in sagas_harness.py, a repo-unique module name)."""

from __future__ import annotations

import pytest
from sagas_harness import Harness

from greenmarket.infra.messaging.topics import ensure_topics
from greenmarket.infra.migrations import upgrade_head_async
from greenmarket.sagas.orchestrator import MIGRATIONS_DIR
from greenmarket.sagas.settings import Settings


@pytest.fixture
async def harness(stack, database_url, topic_prefix):
    await ensure_topics(stack.bootstrap_servers, topic_prefix)
    await upgrade_head_async(MIGRATIONS_DIR, database_url)
    settings = Settings(
        database_url=database_url,
        kafka_bootstrap_servers=stack.bootstrap_servers,
        topic_prefix=topic_prefix,
        saga_step_timeout=3.0,
        saga_step_attempts=2,
        saga_compensation_attempts=3,
        saga_retry_backoff=0.2,
        saga_retry_max_backoff=1.0,
        saga_timer_interval=0.1,
        trade_reservation_ttl=3600,
    )
    h = Harness(settings, stack.bootstrap_servers, topic_prefix)
    try:
        yield h
    finally:
        await h.close()
