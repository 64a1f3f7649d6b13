"""`/api/ops/*` and `/metrics` of the ops process on the real broker: shape, auth, errors, metric names."""

from __future__ import annotations

import httpx
import pytest
from aiokafka import TopicPartition
from prometheus_client.parser import text_string_to_metric_families

from greenmarket.infra.messaging.clients import start_consumer, start_producer
from greenmarket.infra.messaging.topics import TopicSpec, ensure_topics
from greenmarket.infra.ops.app import create_app
from greenmarket.infra.ops.settings import OpsSettings
from greenmarket.infra.testing.tokens import bearer, make_token, test_verifier
from support.kafka_reading import eventually

TOPIC = "opsapi.events"
OPERATOR = bearer(1, role="operator")
USER = bearer(2)

CONTRACT_METRICS = {
    "kafka_consumergroup_group_lag": {"group", "topic", "partition"},
    "kafka_consumergroup_group_lag_seconds": {"group", "topic", "partition"},
    "kafka_consumergroup_group_max_lag": {"group"},
    "kafka_consumergroup_group_max_lag_seconds": {"group"},
    "kafka_consumergroup_group_sum_lag": {"group"},
    "kafka_consumergroup_group_topic_sum_lag": {"group", "topic"},
    "kafka_consumergroup_group_status": {"group"},
}


@pytest.fixture
async def group(stack, topic_prefix):
    """A group 3 records behind on partition 0 of a 2-partition topic (partition 1 caught up)."""
    await ensure_topics(
        stack.bootstrap_servers,
        topic_prefix,
        (TopicSpec(TOPIC, partitions=2), TopicSpec(f"{TOPIC}.dlq", partitions=1)),
    )
    topic = f"{topic_prefix}{TOPIC}"
    producer = await start_producer(stack.bootstrap_servers)
    try:
        for i in range(5):
            await producer.send_and_wait(topic, f"r{i}".encode(), partition=0)
        await producer.send_and_wait(topic, b"p1", partition=1)
    finally:
        await producer.stop()
    name = f"{topic_prefix}ops-api"
    consumer = await start_consumer(stack.bootstrap_servers, group_id=name)
    try:
        consumer.assign([TopicPartition(topic, 0), TopicPartition(topic, 1)])
        await consumer.commit({TopicPartition(topic, 0): 2, TopicPartition(topic, 1): 1})
    finally:
        await consumer.stop()
    return name


@pytest.fixture
async def client(stack, topic_prefix, group):
    settings = OpsSettings(
        kafka_bootstrap_servers=stack.bootstrap_servers,
        topic_prefix=topic_prefix,
        lag_poll_interval=0.2,
        lag_window_size=3,
    )
    app = create_app(settings, verifier=test_verifier())
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://ops") as http:
            yield http


async def test_lag_lists_every_group_in_the_contract_shape(client, group, topic_prefix):
    response = await client.get("/api/ops/lag", headers=OPERATOR)
    assert response.status_code == 200
    groups = {g["group"]: g for g in response.json()["groups"]}
    mine = groups[group]
    assert set(mine) >= {"group", "state", "status", "totalLag", "maxLag", "maxLagSeconds", "members", "partitions"}
    assert mine["state"] == "Empty" and mine["members"] == 0
    assert mine["totalLag"] == 3 and mine["maxLag"] == 3 and mine["maxLagSeconds"] > 0
    first, second = mine["partitions"]
    assert set(first) == {"topic", "partition", "committed", "end", "lag", "lagSeconds", "status", "owner"}
    assert (first["topic"], first["partition"], first["committed"], first["end"], first["lag"]) == (
        f"{topic_prefix}{TOPIC}",
        0,
        2,
        5,
        3,
    )
    assert first["owner"] is None
    assert second["lag"] == 0 and second["lagSeconds"] == 0 and second["status"] == "OK"
    assert all(g["status"] in {"OK", "WARN", "STALL", "STOP", "REWIND", "ERR"} for g in groups.values())


async def test_a_stopped_group_with_lag_shows_stop(client, group):
    async def stopped():
        response = await client.get(f"/api/ops/lag/{group}", headers=OPERATOR)
        return response.json()["status"] == "STOP"

    await eventually(stopped, timeout=20, interval=0.2)


async def test_one_group_and_404_for_an_unknown_group(client, group):
    response = await client.get(f"/api/ops/lag/{group}", headers=OPERATOR)
    assert response.status_code == 200 and response.json()["group"] == group
    missing = await client.get("/api/ops/lag/no-such-group", headers=OPERATOR)
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert missing.json()["status"] == 404


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/api/ops/lag"), ("GET", "/api/ops/lag/x"), ("GET", "/api/ops/dlq"), ("POST", "/api/ops/dlq/x/redrive")],
)
async def test_operators_only(client, method, path):
    anonymous = await client.request(method, path)
    assert anonymous.status_code == 401 and anonymous.headers["www-authenticate"] == "Bearer"
    bad = await client.request(method, path, headers={"Authorization": "Bearer not-a-jwt"})
    assert bad.status_code == 401
    expired = await client.request(
        method, path, headers={"Authorization": f"Bearer {make_token(1, role='operator', expires_in=-60)}"}
    )
    assert expired.status_code == 401
    user = await client.request(method, path, headers=USER)
    assert user.status_code == 403
    assert user.headers["content-type"].startswith("application/problem+json")


async def test_dlq_list_and_redrive_errors(client, topic_prefix):
    response = await client.get("/api/ops/dlq", headers=OPERATOR)
    assert response.status_code == 200
    items = {item["topic"]: item for item in response.json()["items"]}
    dlq = items[f"{topic_prefix}{TOPIC}.dlq"]
    assert dlq == {
        "topic": f"{topic_prefix}{TOPIC}.dlq",
        "originalTopic": TOPIC,
        "records": 0,
        "pending": 0,
        "newest": [],
    }
    unknown = await client.post("/api/ops/dlq/nothing.here/redrive", headers=OPERATOR)
    assert unknown.status_code == 404
    negative = await client.post(f"/api/ops/dlq/{TOPIC}/redrive?fromOffset=-1", headers=OPERATOR)
    assert negative.status_code == 422 and negative.json()["errors"][0]["field"] == "fromOffset"
    empty = await client.post(f"/api/ops/dlq/{TOPIC}/redrive", headers=OPERATOR)
    assert empty.status_code == 200 and empty.json() == {
        "topic": f"{topic_prefix}{TOPIC}.dlq",
        "redriven": 0,
        "claimsReleased": 0,
    }


async def test_metrics_have_the_contract_names_and_labels(client, group, topic_prefix):
    await client.get("/api/ops/lag", headers=OPERATOR)  # waits for the first reading
    response = await client.get("/metrics")
    assert response.status_code == 200
    families = {f.name: f for f in text_string_to_metric_families(response.text)}
    for name, labels in CONTRACT_METRICS.items():
        assert name in families, name
        mine = [s for s in families[name].samples if s.labels.get("group") == group]
        assert mine, f"{name} has no sample for {group}"
        assert all(set(s.labels) == labels for s in families[name].samples), name
    lag = {
        s.labels["partition"]: s.value
        for s in families["kafka_consumergroup_group_lag"].samples
        if s.labels["group"] == group
    }
    assert lag == {"0": 3.0, "1": 0.0}
    topic_sum = [s for s in families["kafka_consumergroup_group_topic_sum_lag"].samples if s.labels["group"] == group]
    assert [(s.labels["topic"], s.value) for s in topic_sum] == [(f"{topic_prefix}{TOPIC}", 3.0)]
    assert (
        next(s.value for s in families["kafka_consumergroup_group_sum_lag"].samples if s.labels["group"] == group)
        == 3.0
    )


async def test_health_endpoints(client):
    assert (await client.get("/healthz")).status_code == 200
    assert (await client.get("/readyz")).status_code == 200


async def test_an_unreachable_broker_is_a_503_not_a_500():
    settings = OpsSettings(kafka_bootstrap_servers="127.0.0.1:1", lag_poll_interval=0.2, lag_window_size=3)
    app = create_app(settings, verifier=test_verifier())
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://ops") as http:
            lag = await http.get("/api/ops/lag", headers=OPERATOR)
            assert lag.status_code == 503 and "cannot read the broker" in lag.json()["detail"]
            dlq = await http.get("/api/ops/dlq", headers=OPERATOR)
            assert dlq.status_code == 503
            redrive = await http.post(f"/api/ops/dlq/{TOPIC}/redrive", headers=OPERATOR)
            assert redrive.status_code == 503
            ready = await http.get("/readyz")
            assert ready.status_code == 503
