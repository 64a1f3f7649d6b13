"""The product HTTP service: `uvicorn --factory greenmarket.product.app:create_app`."""

from __future__ import annotations

from contextlib import asynccontextmanager

from fastapi import FastAPI

from greenmarket.infra.auth import JwksVerifier
from greenmarket.infra.db import create_engine, create_sessionmaker
from greenmarket.infra.images import MediaStore
from greenmarket.infra.web.app import create_service_app
from greenmarket.infra.web.health import database_check, kafka_check
from greenmarket.product.api import articles, personal
from greenmarket.product.settings import ProductSettings


def create_app(settings: ProductSettings | None = None, *, verifier: JwksVerifier | None = None) -> FastAPI:
    settings = settings or ProductSettings()
    engine = create_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(_: FastAPI):
        yield
        await engine.dispose()

    app = create_service_app(
        "product",
        # personal first: /api/products/interests must not be read as /api/products/{id}.
        routers=[personal.router, articles.router],
        readiness_checks=lambda: [database_check(engine), kafka_check(settings.kafka_bootstrap_servers)],
        lifespan=lifespan,
        log_level=settings.log_level,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = create_sessionmaker(engine)
    app.state.media_store = MediaStore(settings.media_root, settings.media_url_prefix)
    app.state.jwks_verifier = verifier or JwksVerifier.from_url(settings.jwks_url)
    return app
