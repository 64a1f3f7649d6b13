"""`greenmarket lag` and `greenmarket dlq` against the real broker."""

from __future__ import annotations

import json

import pytest
from aiokafka import TopicPartition
from typer.testing import CliRunner

from greenmarket.infra.messaging.clients import start_consumer, start_producer
from greenmarket.infra.messaging.codec import encode_value, record_headers
from greenmarket.infra.messaging.topics import TopicSpec, ensure_topics
from greenmarket.infra.ops.cli import dlq_app, lag_app
from greenmarket.schemas import Envelope

TOPIC = "opscli.events"


@pytest.fixture
async def env(stack, topic_prefix):
    await ensure_topics(
        stack.bootstrap_servers, topic_prefix, (TopicSpec(TOPIC, partitions=1), TopicSpec(f"{TOPIC}.dlq", partitions=1))
    )
    topic = f"{topic_prefix}{TOPIC}"
    envelope = Envelope(type="Poisoned", producer="test", aggregate_type="x", aggregate_id="1", payload={})
    producer = await start_producer(stack.bootstrap_servers)
    try:
        for _ in range(4):
            await producer.send_and_wait(topic, b"r")
        headers = record_headers(envelope) + [("dlq.error.type", b"KeyError"), ("dlq.error.message", b"'price'")]
        await producer.send_and_wait(f"{topic}.dlq", encode_value(envelope), headers=headers)
    finally:
        await producer.stop()
    consumer = await start_consumer(stack.bootstrap_servers, group_id=f"{topic_prefix}cli-group")
    try:
        consumer.assign([TopicPartition(topic, 0)])
        await consumer.commit({TopicPartition(topic, 0): 1})
    finally:
        await consumer.stop()
    return {"KAFKA_BOOTSTRAP_SERVERS": stack.bootstrap_servers, "TOPIC_PREFIX": topic_prefix}


def test_lag_json_has_the_api_shape(env):
    result = CliRunner().invoke(lag_app, ["--json", "--samples", "1"], env=env)
    assert result.exit_code == 0, result.output
    (group,) = json.loads(result.output)["groups"]
    assert group["group"] == f"{env['TOPIC_PREFIX']}cli-group"
    assert group["totalLag"] == 3 and group["partitions"][0]["lag"] == 3


def test_lag_table(env):
    result = CliRunner().invoke(lag_app, ["--samples", "2", "--interval", "0.1"], env=env | {"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert f"{env['TOPIC_PREFIX']}cli-group" in result.output and "STOP" in result.output


def test_dlq_list_show_and_purge(env):
    runner = CliRunner()
    wide = env | {"COLUMNS": "250"}
    listed = runner.invoke(dlq_app, ["list"], env=wide)
    assert listed.exit_code == 0, listed.output
    assert f"{env['TOPIC_PREFIX']}{TOPIC}.dlq" in listed.output and "KeyError: 'price'" in listed.output
    shown = runner.invoke(dlq_app, ["show", TOPIC], env=wide)
    assert shown.exit_code == 0 and "Poisoned" in shown.output and "error.message 'price'" in shown.output
    unknown = runner.invoke(dlq_app, ["show", "nope.events"], env=wide)
    assert unknown.exit_code == 1 and "no dead-letter topic" in unknown.output
    purged = runner.invoke(dlq_app, ["purge", TOPIC, "--yes"], env=wide)
    assert purged.exit_code == 0 and "deleted 1 record(s)" in purged.output
