"""User events: public fields only, through the outbox and the relay onto `user.events`."""

import json

from sqlalchemy import select
from user_test_helpers import PASSWORD, image_bytes, join_and_login

from greenmarket.infra.messaging.codec import decode_value, header
from greenmarket.infra.messaging.tables import OUTBOX
from greenmarket.infra.messaging.topics import ensure_topics
from greenmarket.schemas import parse
from support.kafka_reading import read_records, relay_for, running

PROFILE_PAYLOAD = {"userId", "nickname", "address1", "address2", "profileImageUrl"}


async def outbox_envelopes(app) -> list[dict]:
    async with app.state.user_service.sessionmaker() as session:
        return list(await session.scalars(select(OUTBOX.c.envelope).order_by(OUTBOX.c.id)))


async def test_no_event_carries_an_email_a_password_or_a_hash(client, app):
    me = await join_and_login(client, 1, email="secret.person@example.com")
    avatar = {"profileImage": ("a.png", image_bytes())}
    await client.patch(f"/api/user/{me['id']}", data={"nickname": "바뀐이름"}, files=avatar)
    await client.delete(f"/api/user/{me['id']}")
    envelopes = await outbox_envelopes(app)
    assert [e["type"] for e in envelopes] == ["UserRegistered", "UserProfileUpdated", "AccountDeletionRequested"]
    text = json.dumps(envelopes, ensure_ascii=False)
    for secret in ("secret.person", "@example.com", PASSWORD, "argon2", "password", "email"):
        assert secret not in text, secret
    assert set(envelopes[0]["payload"]) == PROFILE_PAYLOAD
    assert envelopes[1]["payload"]["nickname"] == "바뀐이름"
    assert envelopes[1]["payload"]["profileImageUrl"].startswith("/media/avatars/")


async def test_the_relay_publishes_valid_envelopes_on_user_events(client, app, settings, stack, topic_prefix):
    await ensure_topics(stack.bootstrap_servers, topic_prefix)
    me = await join_and_login(client, 1, nickname="카프카")
    await client.patch(f"/api/user/{me['id']}", data={"address1": "제주특별자치도"})
    async with running(relay_for(settings.database_url, stack.bootstrap_servers, topic_prefix).run):
        records = await read_records(stack.bootstrap_servers, f"{topic_prefix}user.events", expected=2)
    assert len(records) == 2
    first, second = (decode_value(r.value) for r in records)
    for record, envelope in zip(records, (first, second), strict=True):
        assert record.key == str(me["id"]).encode()
        assert header(record.headers, "eventId") == str(envelope.event_id)
        assert header(record.headers, "type") == envelope.type
        assert header(record.headers, "traceparent").startswith("00-")
        assert (envelope.producer, envelope.aggregate_type, envelope.aggregate_id) == ("user", "user", str(me["id"]))
        assert set(envelope.payload) == PROFILE_PAYLOAD
    assert first.type == "UserRegistered" and parse(first).nickname == "카프카"
    assert second.type == "UserProfileUpdated" and parse(second).address1 == "제주특별자치도"
