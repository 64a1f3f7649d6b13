"""Test harness of the sagas tests: an orchestrator on a fresh DB and topics, with fake participants.

The participants (product, chat, user) are small fakes built on the real `Participant` helper and
real Kafka. They share the orchestrator's test database (their own consumer names, their replies
in the same outbox, published by the same relay), which keeps each test to one database.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import httpx
from sqlalchemy import select

from greenmarket.infra.db import create_engine, create_sessionmaker
from greenmarket.infra.messaging.outbox import Outbox
from greenmarket.infra.messaging.participant import CommandRefused, Participant
from greenmarket.infra.testing.tokens import test_verifier
from greenmarket.sagas.app import create_app
from greenmarket.sagas.models import saga_steps
from greenmarket.sagas.orchestrator import build_engine, components
from greenmarket.sagas.runtime import store
from greenmarket.sagas.settings import Settings
from greenmarket.sagas.trades import repository
from greenmarket.sagas.trades.projections import apply_event
from greenmarket.schemas import Message
from greenmarket.schemas import commands as c
from greenmarket.schemas.events.chat import ChatRoomCreated
from greenmarket.schemas.events.product import ProductCreated
from support.kafka_reading import eventually, read_envelopes, relay_for

COMMANDS = {
    "product": [
        c.ReserveArticle,
        c.ReleaseArticle,
        c.MarkArticleSold,
        c.WithdrawUserArticles,
        c.RestoreUserArticles,
    ],
    "chat": [c.ConfirmTradeRoom, c.PostTradeMessage, c.CloseUserRooms],
    "user": [c.LockAccount, c.UnlockAccount, c.RecordTrade, c.AnonymizeAccount],
}
ALWAYS = -1


class _NamedParticipant(Participant):
    """A second copy of a participant in its own consumer group: every command handled twice."""

    def __init__(self, service: str, handlers: dict, consumer: str) -> None:
        super().__init__(service, handlers)
        self._consumer = consumer

    @property
    def consumer_name(self) -> str:
        return self._consumer


class FakeParticipant:
    """Answers every command of `service`; `refuse[type] = n` refuses the next n (ALWAYS: forever)."""

    def __init__(
        self,
        service: str,
        *,
        refuse: dict[str, int] | None = None,
        consumer: str | None = None,
    ) -> None:
        self.service = service
        self.refuse = dict(refuse or {})
        self.received: list[str] = []
        handlers = {cls: self._handler(cls.type_name) for cls in COMMANDS[service]}
        self.participant = (
            _NamedParticipant(service, handlers, consumer) if consumer else Participant(service, handlers)
        )

    def _handler(self, type_name: str):
        async def handle(session, command) -> dict[str, Any]:
            self.received.append(type_name)
            remaining = self.refuse.get(type_name, 0)
            if remaining:
                if remaining != ALWAYS:
                    self.refuse[type_name] = remaining - 1
                raise CommandRefused(f"{type_name} refused by the test")
            return {"handledBy": self.service}

        return handle


class LockingProduct(FakeParticipant):
    """A product fake with the semantic lock: an article is held by at most one trade."""

    def __init__(self) -> None:
        super().__init__("product")
        self.held: dict[int, str] = {}
        self.participant.handlers["ReserveArticle"] = self._reserve
        self.participant.handlers["ReleaseArticle"] = self._release

    async def _reserve(self, session, command) -> dict:
        self.received.append("ReserveArticle")
        holder = self.held.setdefault(command.article_id, command.trade_id)
        if holder != command.trade_id:
            raise CommandRefused(f"article {command.article_id} is held by trade {holder}")
        return {}

    async def _release(self, session, command) -> dict:
        self.received.append("ReleaseArticle")
        if self.held.get(command.article_id) == command.trade_id:
            del self.held[command.article_id]
        return {}


class Harness:
    def __init__(self, settings: Settings, bootstrap_servers: str, topic_prefix: str) -> None:
        self.settings = settings
        self.bootstrap_servers = bootstrap_servers
        self.topic_prefix = topic_prefix
        self.db = create_engine(settings.database_url, pool_size=5)
        self.sessionmaker = create_sessionmaker(self.db)
        self.engine = build_engine(settings)
        self.tasks: dict[str, tuple[asyncio.Event, asyncio.Task]] = {}

    def configure(self, **overrides: Any) -> None:
        """Change settings before the orchestrator starts (timeouts, TTL, attempts)."""
        self.settings = self.settings.model_copy(update=overrides)
        self.engine = build_engine(self.settings)

    # -- background components -----------------------------------------------------------------
    def start(self, name: str, run) -> None:
        stop = asyncio.Event()
        self.tasks[name] = (stop, asyncio.create_task(run(stop), name=name))

    async def stop(self, name: str) -> None:
        stop, task = self.tasks.pop(name)
        stop.set()
        try:
            await asyncio.wait_for(task, 20)
        except TimeoutError:
            task.cancel()

    def start_relay(self) -> None:
        self.start(
            "relay",
            relay_for(self.settings.database_url, self.bootstrap_servers, self.topic_prefix).run,
        )

    def start_orchestrator(self, name: str = "orchestrator") -> None:
        engine = build_engine(self.settings)
        for component, run in components(self.settings, engine, self.sessionmaker).items():
            self.start(f"{name}:{component}", run)

    async def stop_orchestrator(self, name: str = "orchestrator") -> None:
        await asyncio.gather(*(self.stop(key) for key in list(self.tasks) if key.startswith(f"{name}:")))

    def start_participant(self, fake: FakeParticipant, name: str | None = None) -> FakeParticipant:
        runner = fake.participant.runner(
            self.sessionmaker,
            bootstrap_servers=self.bootstrap_servers,
            topic_prefix=self.topic_prefix,
        )
        self.start(name or f"participant:{fake.service}", runner.run)
        return fake

    def participants(self, **refusals: dict[str, int]) -> dict[str, FakeParticipant]:
        """Start product, chat and user fakes; refusals per service, e.g. chat={"ConfirmTradeRoom": ALWAYS}."""
        return {s: self.start_participant(FakeParticipant(s, refuse=refusals.get(s))) for s in COMMANDS}

    def run_all(self, **refusals: dict[str, int]) -> dict[str, FakeParticipant]:
        self.start_relay()
        self.start_orchestrator()
        return self.participants(**refusals)

    async def close(self) -> None:
        await asyncio.gather(*(self.stop(name) for name in list(self.tasks)), return_exceptions=True)
        await self.db.dispose()

    # -- data ----------------------------------------------------------------------------------
    async def seed_article(self, article_id: int, seller_id: int, *, buyers: tuple[int, ...] = ()) -> None:
        """Fill the projections as product.events / chat.events would."""
        events: list[Message] = [
            ProductCreated(
                article_id=article_id,
                seller_id=seller_id,
                title="자전거",
                price=10000,
                status="ON_SALE",
                category_id=1,
                address1="서울",
                address2="마포구",
            )
        ]
        events += [
            ChatRoomCreated(
                room_id=article_id * 1000 + b,
                article_id=article_id,
                buyer_id=b,
                seller_id=seller_id,
            )
            for b in buyers
        ]
        async with self.sessionmaker() as session, session.begin():
            for event in events:
                await apply_event(session, event.envelope(aggregate_id=article_id, producer="test"))

    async def publish(self, event: Message, aggregate_id: Any) -> None:
        """Put an event on its topic through the outbox (the relay publishes it)."""
        async with self.sessionmaker() as session, session.begin():
            await Outbox().add(session, event.envelope(aggregate_id=aggregate_id, producer="test"))

    async def saga(self, saga_id: str):
        async with self.sessionmaker() as session:
            return await store.load(session, saga_id)

    async def trade(self, trade_id: str):
        async with self.sessionmaker() as session:
            return await repository.get(session, trade_id)

    async def steps(self, saga_id: str) -> list[tuple[str, str, str]]:
        """(phase, command type or step name, status) of each log entry, in order."""
        async with self.sessionmaker() as session:
            rows = await session.execute(
                select(saga_steps).where(saga_steps.c.saga_id == saga_id).order_by(saga_steps.c.id)
            )
            return [(r.phase, r.command_type or r.step_name, r.status) for r in rows]

    async def wait_saga(self, saga_id: str, *statuses: str, timeout: float = 20.0):
        async def check() -> bool:
            record = await self.saga(saga_id)
            return record is not None and record.status in statuses

        await eventually(check, timeout=timeout)
        return await self.saga(saga_id)

    async def wait_trade(self, trade_id: str, *statuses: str, timeout: float = 20.0):
        async def check() -> bool:
            trade = await self.trade(trade_id)
            return trade is not None and trade.status in statuses

        await eventually(check, timeout=timeout)
        return await self.trade(trade_id)

    async def trade_events(self, expected: int) -> list:
        return await read_envelopes(
            self.bootstrap_servers,
            f"{self.topic_prefix}trade.events",
            expected=expected,
        )

    @contextlib.asynccontextmanager
    async def client(self):
        app = create_app(self.settings, verifier=test_verifier())
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://sagas") as client:
            yield client
        await app.state.engine.dispose()
