"""What `greenmarket up` runs for the chat: two API processes, relay, participant worker, Faust agents."""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path

from greenmarket.infra.stack.services import ServiceContext


def test_the_launcher_runs_two_api_processes_and_the_background_ones(tmp_path: Path):
    (entry,) = [ep for ep in entry_points(group="greenmarket.services") if ep.name == "chat"]
    launch = entry.load()
    ctx = ServiceContext(
        repo_root=tmp_path,
        state_dir=tmp_path / "state",
        kafka_bootstrap_servers="127.0.0.1:9092",
        redis_url="redis://127.0.0.1:56379/0",
        admin_dsn="postgresql://admin:admin@127.0.0.1:55432/postgres",
        media_root=tmp_path / "media",
        gateway_url="http://127.0.0.1:8080",
        jwks_url="http://127.0.0.1:8001/api/user/.well-known/jwks.json",
    )
    specs = {spec.name: spec for spec in launch.processes(ctx)}
    assert launch.SERVICE_NAME == "chat"
    assert set(specs) == {"chat-api-1", "chat-api-2", "chat-relay", "chat-worker", "chat-agents"}
    assert specs["chat-api-1"].health_url == "http://127.0.0.1:8003/healthz"
    assert specs["chat-api-2"].health_url == "http://127.0.0.1:8013/healthz"
    assert "greenmarket.chat.app:create_app" in specs["chat-api-2"].argv
    assert specs["chat-relay"].argv[1:] == ["relay", "--probe-port", "9031"]
    assert specs["chat-worker"].env["WORKER_PROBE_PORT"] == "9032"
    assert specs["chat-agents"].env["AGENTS_PROBE_PORT"] == "9033"
    assert specs["chat-agents"].env["FAUST_DATADIR"].startswith(str(ctx.state_dir))
    for spec in specs.values():
        assert spec.env["DATABASE_URL"].endswith("/greenmarket_chat")
        assert spec.env["REDIS_URL"] == ctx.redis_url


def test_the_projections_are_registered():
    names = {
        ep.name: ep.load()
        for ep in entry_points(group="greenmarket.projections")
        if ep.value.startswith("greenmarket.chat")
    }
    assert {spec.name for spec in names.values()} == {"chat.article-summaries", "chat.counterpart-profiles"}
