"""`uvicorn --factory greenmarket.sagas.app:create_app`: the trades and sagas API."""

from __future__ import annotations

from fastapi import FastAPI

from greenmarket.infra.auth import JwksVerifier
from greenmarket.infra.web.app import create_database_service_app
from greenmarket.sagas.api import sagas as sagas_api
from greenmarket.sagas.api import trades as trades_api
from greenmarket.sagas.orchestrator import build_engine
from greenmarket.sagas.settings import Settings


def create_app(settings: Settings | None = None, *, verifier: JwksVerifier | None = None) -> FastAPI:
    settings = settings or Settings()
    app = create_database_service_app(
        "sagas", settings, routers=[trades_api.router, sagas_api.router], verifier=verifier
    )
    # The API starts sagas (first command into the outbox); the worker carries them on.
    app.state.saga_engine = build_engine(settings)
    return app
