"""Fixtures of the runtime's own tests (the stack fixtures come from greenmarket.infra.testing)."""

import pytest

from greenmarket.infra.messaging.topics import ensure_topics
from support.messaging_db import prepare


@pytest.fixture
async def messaging(stack, database_url, topic_prefix):
    """This test's topics, and a database with the messaging tables plus `effects`; its sessionmaker."""
    await ensure_topics(stack.bootstrap_servers, topic_prefix)
    engine, sessionmaker = await prepare(database_url)
    yield sessionmaker
    await engine.dispose()
