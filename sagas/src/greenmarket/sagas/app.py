"""`uvicorn --factory greenmarket.sagas.app:create_app`: the trades and sagas API."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI

from greenmarket.infra.auth import JwksVerifier
from greenmarket.infra.db import create_engine, create_sessionmaker
from greenmarket.infra.web.app import create_service_app
from greenmarket.infra.web.health import database_check, kafka_check
from greenmarket.sagas.api import sagas as sagas_api
from greenmarket.sagas.api import trades as trades_api
from greenmarket.sagas.orchestrator import build_engine
from greenmarket.sagas.settings import Settings


def create_app(settings: Settings | None = None, *, verifier: JwksVerifier | None = None) -> FastAPI:
    settings = settings or Settings()
    db = create_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        yield
        await db.dispose()

    app = create_service_app(
        "sagas",
        routers=[trades_api.router, sagas_api.router],
        readiness_checks=lambda: [
            database_check(db),
            kafka_check(settings.kafka_bootstrap_servers),
        ],
        lifespan=lifespan,
        log_level=settings.log_level,
    )
    app.state.settings = settings
    app.state.db_engine = db
    app.state.sessionmaker = create_sessionmaker(db)
    # The API starts sagas (first command into the outbox); the worker carries them on.
    app.state.saga_engine = build_engine(settings)
    app.state.jwks_verifier = verifier or JwksVerifier.from_url(settings.jwks_url)
    return app
