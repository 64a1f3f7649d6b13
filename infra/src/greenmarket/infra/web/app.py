"""The FastAPI app factory every HTTP service uses."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse

from greenmarket.infra.auth import JwksVerifier
from greenmarket.infra.db import create_engine, create_sessionmaker
from greenmarket.infra.logging import configure_logging
from greenmarket.infra.settings import ServiceSettings
from greenmarket.infra.web.correlation import CorrelationIdMiddleware
from greenmarket.infra.web.health import ReadinessCheck, database_check, kafka_check, run_checks
from greenmarket.infra.web.metrics import RequestMetricsMiddleware, metrics_response
from greenmarket.infra.web.problems import PROBLEM_JSON, install_problem_handlers


def create_service_app(
    name: str,
    *,
    routers: Sequence[APIRouter] = (),
    readiness_checks: Callable[[], list[ReadinessCheck]] | None = None,
    lifespan: Callable[[FastAPI], AbstractAsyncContextManager[None]] | None = None,
    log_level: str = "INFO",
) -> FastAPI:
    """A service app with problem details, /healthz, /readyz, /metrics and request metrics.

    `readiness_checks` is called per probe so it can see state that the lifespan created.
    """
    configure_logging(name, log_level)
    app = FastAPI(title=f"Greenmarket {name}", lifespan=lifespan)
    install_problem_handlers(app)
    app.add_middleware(RequestMetricsMiddleware, service=name)
    app.add_middleware(CorrelationIdMiddleware)

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        checks = await run_checks(readiness_checks() if readiness_checks else [])
        ready = all(result == "ok" for result in checks.values())
        if ready:
            return JSONResponse({"status": "ready", "checks": checks})
        return JSONResponse(
            {
                "type": "about:blank",
                "title": "Service Unavailable",
                "status": 503,
                "detail": "not ready",
                "checks": checks,
            },
            status_code=503,
            media_type=PROBLEM_JSON,
        )

    @app.get("/metrics", include_in_schema=False)
    async def metrics():
        return metrics_response()

    for router in routers:
        app.include_router(router)
    return app


def create_database_service_app(
    name: str,
    settings: ServiceSettings,
    *,
    routers: Sequence[APIRouter] = (),
    verifier: JwksVerifier | None = None,
) -> FastAPI:
    """A service app that owns a database: engine, sessions, token verifier, and a readiness
    check of both the database and Kafka. `app.state` gets settings, engine, sessionmaker and
    jwks_verifier; the engine is disposed at shutdown."""
    engine = create_engine(settings.database_url)

    @asynccontextmanager
    async def lifespan(_: FastAPI):
        yield
        await engine.dispose()

    app = create_service_app(
        name,
        routers=routers,
        readiness_checks=lambda: [database_check(engine), kafka_check(settings.kafka_bootstrap_servers)],
        lifespan=lifespan,
        log_level=settings.log_level,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessionmaker = create_sessionmaker(engine)
    app.state.jwks_verifier = verifier or JwksVerifier.from_url(settings.jwks_url)
    return app
