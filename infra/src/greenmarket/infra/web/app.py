"""The FastAPI app factory every HTTP service uses."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse

from greenmarket.infra.logging import configure_logging
from greenmarket.infra.web.health import ReadinessCheck, run_checks
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
            {"type": "about:blank", "title": "Service Unavailable", "status": 503, "detail": "not ready", "checks": checks},
            status_code=503,
            media_type=PROBLEM_JSON,
        )

    @app.get("/metrics", include_in_schema=False)
    async def metrics():
        return metrics_response()

    for router in routers:
        app.include_router(router)
    return app
