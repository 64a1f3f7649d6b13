"""The user service as a saga participant, and its review counter, on the real broker."""

from __future__ import annotations

import uuid
from contextlib import AsyncExitStack

import pytest
from sqlalchemy import func, select
from user_test_helpers import PASSWORD, image_bytes, join_and_login

from greenmarket.infra.messaging.clients import start_producer
from greenmarket.infra.messaging.codec import encode_value, record_headers
from greenmarket.infra.messaging.tables import OUTBOX, PROCESSED_EVENTS
from greenmarket.infra.messaging.topics import ensure_topics
from greenmarket.schemas import Envelope, parse
from greenmarket.schemas.commands import AnonymizeAccount, LockAccount, RecordTrade, UnlockAccount
from greenmarket.schemas.events.product import ReviewPosted
from greenmarket.user.consumers import REVIEW_COUNTER
from greenmarket.user.models import users
from greenmarket.user.worker import components
from support.kafka_reading import eventually, read_envelopes, relay_for, running

LOGIN = "/api/user/login"


class Broker:
    """Sends commands to the participant and reads its replies."""

    def __init__(self, bootstrap: str, prefix: str, producer) -> None:
        self.bootstrap, self.prefix, self.producer = bootstrap, prefix, producer
        self.replies_seen = 0

    async def send(self, topic: str, envelope: Envelope) -> Envelope:
        await self.producer.send_and_wait(
            self.prefix + topic,
            value=encode_value(envelope),
            key=envelope.key.encode(),
            headers=record_headers(envelope),
        )
        return envelope

    async def command(self, command, saga_id: str | None = None) -> Envelope:
        saga_id = saga_id or str(uuid.uuid4())
        return await self.send(
            command.topic, command.envelope(aggregate_id=saga_id, producer="sagas", correlation_id=saga_id)
        )

    async def replies(self, count: int) -> list:
        """All replies so far, once at least `count` arrived."""
        envelopes = await read_envelopes(self.bootstrap, f"{self.prefix}saga.replies", expected=count)
        return [parse(e) for e in envelopes]

    async def reply_to(self, command: Envelope):
        self.replies_seen += 1
        replies = await self.replies(self.replies_seen)
        matching = [r for r in replies if r.command_id == str(command.event_id)]
        assert matching, f"no reply to {command.type}"
        return matching[-1]


@pytest.fixture
async def broker(settings, stack, topic_prefix, app):
    await ensure_topics(stack.bootstrap_servers, topic_prefix)
    worker_settings = settings.model_copy(
        update={"topic_prefix": topic_prefix, "kafka_bootstrap_servers": stack.bootstrap_servers}
    )
    sessionmaker = app.state.user_service.sessionmaker
    producer = await start_producer(stack.bootstrap_servers)
    async with AsyncExitStack() as exit_stack:
        for component in components(worker_settings, sessionmaker).values():
            await exit_stack.enter_async_context(running(component))
        relay = relay_for(settings.database_url, stack.bootstrap_servers, topic_prefix)
        await exit_stack.enter_async_context(running(relay.run))
        try:
            yield Broker(stack.bootstrap_servers, topic_prefix, producer)
        finally:
            await producer.stop()


async def account_row(app, user_id: int):
    async with app.state.user_service.sessionmaker() as session:
        return (await session.execute(select(users).where(users.c.id == user_id))).one()


async def test_lock_blocks_login_and_refresh_and_unlock_restores_the_account(client, app, broker):
    me = await join_and_login(client, 1)
    deletion = await client.delete(f"/api/user/{me['id']}")
    saga_id = deletion.json()["sagaId"]

    lock = await broker.command(LockAccount(user_id=me["id"]), saga_id)
    reply = await broker.reply_to(lock)
    assert (reply.outcome, reply.saga_id, reply.command_type) == ("SUCCESS", saga_id, "LockAccount")
    assert (await account_row(app, me["id"])).status == "LOCKED"
    assert (await client.post("/api/user/refresh")).status_code == 401  # open sessions were revoked
    locked_login = await client.post(LOGIN, json={"email": "user1@example.com", "password": PASSWORD})
    assert locked_login.status_code == 401

    unlock = await broker.command(UnlockAccount(user_id=me["id"]), saga_id)
    assert (await broker.reply_to(unlock)).outcome == "SUCCESS"
    row = await account_row(app, me["id"])
    assert (row.status, row.deletion_saga_id) == ("ACTIVE", None)
    assert (await client.post(LOGIN, json={"email": "user1@example.com", "password": PASSWORD})).status_code == 200
    assert (await client.delete(f"/api/user/{me['id']}")).status_code == 202  # a new deletion may start


async def test_record_trade_counts_once_per_trade_even_when_delivered_twice(client, app, broker):
    seller, buyer = await join_and_login(client, 1), await join_and_login(client, 2)
    command = RecordTrade(trade_id=str(uuid.uuid4()), seller_id=seller["id"], buyer_id=buyer["id"])
    envelope = await broker.command(command)
    await broker.send(command.topic, envelope)  # the same command id again (redelivery)
    retry = await broker.command(command, envelope.aggregate_id)  # the orchestrator retrying: a new command id
    assert (await broker.reply_to(envelope)).data == {"counted": True}
    assert (await broker.reply_to(retry)).data == {"counted": False}

    for user in (seller, buyer):
        assert (await client.get(f"/api/user/{user['id']}")).json()["tradeCount"] == 1
    replies = await broker.replies(2)
    assert len([r for r in replies if r.command_id == str(envelope.event_id)]) == 1


async def test_anonymize_scrubs_the_account_and_publishes_user_deleted(client, app, settings, broker):
    me = await join_and_login(client, 1)
    avatar = await client.patch(f"/api/user/{me['id']}", files={"profileImage": ("a.png", image_bytes())})
    avatar_file = settings.media_root / avatar.json()["user"]["profileImageUrl"].removeprefix("/media/")
    assert avatar_file.exists()

    refused = await broker.command(AnonymizeAccount(user_id=me["id"]))  # not locked yet
    reply = await broker.reply_to(refused)
    assert reply.outcome == "FAILURE" and "locked" in reply.reason
    assert (await account_row(app, me["id"])).status == "ACTIVE"

    saga_id = (await client.delete(f"/api/user/{me['id']}")).json()["sagaId"]
    await broker.reply_to(await broker.command(LockAccount(user_id=me["id"]), saga_id))
    anonymize = await broker.command(AnonymizeAccount(user_id=me["id"]), saga_id)
    assert (await broker.reply_to(anonymize)).outcome == "SUCCESS"

    row = await account_row(app, me["id"])
    assert (row.status, row.email, row.password_hash, row.profile_image_url) == ("DELETED", None, None, None)
    assert row.address1 == row.address2 == "" and row.nickname != "초록이1"
    assert not avatar_file.exists()
    assert (await client.get(f"/api/user/{me['id']}")).status_code == 404
    assert (await client.get("/api/user/valid", params={"email": "user1@example.com"})).json() == {"exists": False}

    deleted = await read_envelopes(broker.bootstrap, f"{broker.prefix}user.events", expected=4)
    user_deleted = [e for e in deleted if e.type == "UserDeleted"]
    assert len(user_deleted) == 1 and user_deleted[0].payload == {"userId": me["id"]}

    again = await broker.command(AnonymizeAccount(user_id=me["id"]), saga_id)
    assert (await broker.reply_to(again)).outcome == "SUCCESS"
    async with app.state.user_service.sessionmaker() as session:
        types = list(await session.scalars(select(OUTBOX.c.envelope["type"].astext)))
    assert types.count("UserDeleted") == 1


async def test_unknown_accounts_refuse_a_lock_but_accept_the_compensation(broker):
    lock = await broker.command(LockAccount(user_id=424242))
    reply = await broker.reply_to(lock)
    assert reply.outcome == "FAILURE" and reply.reason
    unlock = await broker.command(UnlockAccount(user_id=424242), lock.aggregate_id)
    assert (await broker.reply_to(unlock)).outcome == "SUCCESS"  # compensations never fail


async def test_review_posted_counts_once_for_the_seller(client, app, broker):
    seller = await join_and_login(client, 1)
    review = ReviewPosted(article_id=7, reviewer_id=99, seller_id=seller["id"], rating=5)
    envelope = review.envelope(aggregate_id=7, producer="product")
    await broker.send(review.topic, envelope)
    await broker.send(review.topic, envelope)  # delivered twice: skipped by its eventId
    await broker.send(review.topic, review.envelope(aggregate_id=7, producer="product"))  # re-emitted: new eventId
    other = ReviewPosted(article_id=8, reviewer_id=99, seller_id=seller["id"], rating=4)
    await broker.send(other.topic, other.envelope(aggregate_id=8, producer="product"))

    async def all_handled() -> bool:
        async with app.state.user_service.sessionmaker() as session:
            handled = await session.scalar(select(func.count()).where(PROCESSED_EVENTS.c.consumer == REVIEW_COUNTER))
        return handled == 3

    await eventually(all_handled)
    assert (await client.get(f"/api/user/{seller['id']}")).json()["reviewCount"] == 2
