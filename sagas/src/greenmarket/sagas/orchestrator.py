"""Wiring: the engine with every saga definition, and the background components of the worker."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from greenmarket.sagas.deletion.consumer import deletion_runner
from greenmarket.sagas.deletion.saga import account_deletion_saga
from greenmarket.sagas.runtime.definition import RetryPolicy
from greenmarket.sagas.runtime.engine import EngineConfig, SagaEngine
from greenmarket.sagas.runtime.replies import reply_runner
from greenmarket.sagas.runtime.timer import SagaTimer
from greenmarket.sagas.settings import Settings
from greenmarket.sagas.trades import service as trade_service
from greenmarket.sagas.trades.projections import projection_runner
from greenmarket.sagas.trades.sagas import trade_sagas

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def build_engine(settings: Settings) -> SagaEngine:
    config = EngineConfig(
        step_timeout_seconds=settings.saga_step_timeout,
        forward_retry=RetryPolicy(
            settings.saga_step_attempts,
            settings.saga_retry_backoff,
            settings.saga_retry_max_backoff,
        ),
        compensation_retry=RetryPolicy(
            settings.saga_compensation_attempts,
            settings.saga_retry_backoff,
            settings.saga_retry_max_backoff,
        ),
    )
    return SagaEngine([*trade_sagas(settings.trade_reservation_ttl), account_deletion_saga()], config)


def components(
    settings: Settings,
    engine: SagaEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
) -> dict:
    """`name -> run(stop)` for the worker: replies, timer, deletion requests, projections."""
    kafka = {
        "bootstrap_servers": settings.kafka_bootstrap_servers,
        "topic_prefix": settings.topic_prefix,
    }

    async def expire_trades(session: AsyncSession) -> bool:
        return await trade_service.expire_one(session, engine)

    timer = SagaTimer(
        engine,
        sessionmaker,
        interval=settings.saga_timer_interval,
        extra_work=[expire_trades],
    )
    return {
        "replies": reply_runner(engine, sessionmaker, max_attempts=settings.consumer_max_attempts, **kafka).run,
        "timer": timer.run,
        "deletion-requests": deletion_runner(engine, sessionmaker, **kafka).run,
        "projections": projection_runner(sessionmaker, **kafka).run,
    }
