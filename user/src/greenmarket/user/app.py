"""The user service's HTTP app (uvicorn --factory greenmarket.user.app:create_app)."""

from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import timedelta

from fastapi import FastAPI

from greenmarket.infra.auth import JwksVerifier
from greenmarket.infra.db import create_engine, create_sessionmaker
from greenmarket.infra.images import MediaStore
from greenmarket.infra.web.app import create_service_app
from greenmarket.infra.web.health import database_check, kafka_check
from greenmarket.user.api import router
from greenmarket.user.keys import KeyStore
from greenmarket.user.services import UserService
from greenmarket.user.settings import UserSettings


def key_store(settings: UserSettings, sessionmaker) -> KeyStore:
    return KeyStore(
        sessionmaker,
        access_token_lifetime=timedelta(minutes=settings.access_token_minutes),
        cache_seconds=settings.key_cache_seconds,
        passphrase=settings.signing_key_passphrase,
    )


def own_verifier(keys: KeyStore, settings: UserSettings) -> JwksVerifier:
    # The service trusts its own key set straight from its database: no HTTP call to itself.
    return JwksVerifier(
        keys.jwks, cache_seconds=settings.key_cache_seconds, min_refresh_interval=settings.key_cache_seconds
    )


def create_app(settings: UserSettings | None = None, *, verifier: JwksVerifier | None = None) -> FastAPI:
    settings = settings or UserSettings()
    engine = create_engine(settings.database_url)
    sessionmaker = create_sessionmaker(engine)
    keys = key_store(settings, sessionmaker)
    media = MediaStore(settings.media_root, settings.media_url_prefix)

    @asynccontextmanager
    async def lifespan(_: FastAPI):
        await keys.ensure_key()  # the first start of a fresh database creates the signing key
        yield
        await engine.dispose()

    app = create_service_app(
        "user",
        routers=[router],
        readiness_checks=lambda: [database_check(engine), kafka_check(settings.kafka_bootstrap_servers)],
        lifespan=lifespan,
        log_level=settings.log_level,
    )
    app.state.settings = settings
    app.state.user_service = UserService(settings, sessionmaker, keys, media)
    app.state.jwks_verifier = verifier or own_verifier(keys, settings)
    return app
