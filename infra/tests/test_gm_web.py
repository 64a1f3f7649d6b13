"""The app factory: problem details for every error, probes and metrics."""

from fastapi import APIRouter
from httpx import ASGITransport, AsyncClient
from pydantic import BaseModel, Field

from greenmarket.infra.web.app import create_service_app
from greenmarket.infra.web.problems import Problem

router = APIRouter()


class Body(BaseModel):
    title: str = Field(min_length=1, max_length=5)


@router.post("/things")
async def create(body: Body):
    return {"ok": True}


@router.get("/things/{thing_id}")
async def read(thing_id: int):
    raise Problem(404, f"Thing {thing_id} does not exist.")


@router.get("/boom")
async def boom():
    raise RuntimeError("secret internals")


async def failing_check():
    raise ConnectionError("database away")


def client(checks=None):
    app = create_service_app("test", routers=[router], readiness_checks=checks)
    return AsyncClient(transport=ASGITransport(app, raise_app_exceptions=False), base_url="http://t")


async def test_validation_errors_are_422_problems_with_fields():
    async with client() as http:
        response = await http.post("/things", json={"title": "far too long"})
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        body = response.json()
        assert body["status"] == 422 and body["title"] and body["detail"]
        assert body["errors"][0]["field"] == "title"
        malformed = await http.post("/things", content=b"{not json", headers={"content-type": "application/json"})
        assert malformed.status_code == 422


async def test_missing_rows_unknown_routes_and_bugs_are_problems():
    async with client() as http:
        missing = await http.get("/things/3")
        assert (missing.status_code, missing.json()["detail"]) == (404, "Thing 3 does not exist.")
        assert (await http.get("/things/abc")).status_code == 422
        unknown = await http.get("/nowhere")
        assert unknown.status_code == 404 and unknown.headers["content-type"] == "application/problem+json"
        bug = await http.get("/boom")
        assert bug.status_code == 500
        assert "secret internals" not in bug.text


async def test_probes_and_metrics():
    async with client() as http:
        assert (await http.get("/healthz")).json() == {"status": "ok"}
        assert (await http.get("/readyz")).status_code == 200
        await http.get("/things/1")
        metrics = (await http.get("/metrics")).text
        assert (
            'greenmarket_http_requests_total{method="GET",route="/things/{thing_id}",service="test",status="404"}'
            in metrics
        )
    async with client(lambda: [("database", failing_check)]) as http:
        not_ready = await http.get("/readyz")
        assert not_ready.status_code == 503
        assert "database away" in not_ready.json()["checks"]["database"]


async def test_every_answer_carries_a_correlation_id_that_the_request_code_sees():
    from greenmarket.infra.logging import correlation_id

    seen = []
    probe = APIRouter()

    @probe.get("/whoami")
    async def whoami():
        seen.append(correlation_id.get())
        return {}

    app = create_service_app("test", routers=[probe])
    async with AsyncClient(transport=ASGITransport(app), base_url="http://t") as http:
        given = await http.get("/whoami", headers={"X-Correlation-ID": "trade-42.step:1"})
        assert given.headers["x-correlation-id"] == "trade-42.step:1"
        made_up = await http.get("/whoami")
        assert len(made_up.headers["x-correlation-id"]) == 32
        hostile = await http.get("/whoami", headers={"X-Correlation-ID": "x" * 500})
        assert hostile.headers["x-correlation-id"] != "x" * 500
        assert (await http.get("/nowhere")).headers["x-correlation-id"]
    assert seen[0] == "trade-42.step:1" and seen[1] == made_up.headers["x-correlation-id"]
    assert correlation_id.get() is None  # reset after each request


def test_background_probes_bind_where_the_settings_say(monkeypatch):
    from greenmarket.infra.worker import resolve_probe_host

    monkeypatch.delenv("PROBE_HOST", raising=False)
    assert resolve_probe_host(None) == "127.0.0.1"  # a developer's machine: loopback only
    monkeypatch.setenv("PROBE_HOST", "0.0.0.0")
    assert resolve_probe_host(None) == "0.0.0.0"  # a container: reachable by Prometheus
    assert resolve_probe_host("127.0.0.2") == "127.0.0.2"


def test_a_service_without_database_url_uses_its_local_stack_database(monkeypatch):
    from greenmarket.infra.settings import ServiceSettings
    from greenmarket.infra.stack.services import database_name

    class UserLike(ServiceSettings):
        service_name: str = "user"

    monkeypatch.delenv("DATABASE_URL", raising=False)
    assert UserLike().database_url.endswith(f"127.0.0.1:55432/{database_name('user')}")
    monkeypatch.setenv("DATABASE_URL", "postgresql+asyncpg://u:p@db:5432/elsewhere")
    assert UserLike().database_url == "postgresql+asyncpg://u:p@db:5432/elsewhere"
