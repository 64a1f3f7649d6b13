"""The ops process is wired in: launcher, entry points, CLI, and docs that list every metric."""

from __future__ import annotations

import json
import re
from importlib.metadata import entry_points
from pathlib import Path

from prometheus_client import REGISTRY
from typer.testing import CliRunner

import greenmarket.infra.messaging.consumer  # noqa: F401 - registers the consumer metrics
import greenmarket.infra.messaging.dead_letters  # noqa: F401
import greenmarket.infra.messaging.relay  # noqa: F401
import greenmarket.infra.ops.metrics  # noqa: F401
import greenmarket.infra.web.metrics  # noqa: F401
from greenmarket.infra.ops import launch
from greenmarket.infra.stack.services import ServiceContext

REPO = Path(__file__).resolve().parents[2]
OPERATIONS = (REPO / "docs" / "operations.md").read_text()


def context(tmp_path) -> ServiceContext:
    return ServiceContext(
        repo_root=REPO,
        state_dir=tmp_path,
        kafka_bootstrap_servers="127.0.0.1:9092",
        redis_url="redis://127.0.0.1:56379/0",
        admin_dsn="postgresql://greenmarket:greenmarket@127.0.0.1:55432/postgres",
        media_root=tmp_path / "media",
        gateway_url="http://127.0.0.1:8080",
        jwks_url="http://127.0.0.1:8001/api/user/.well-known/jwks.json",
    )


def test_the_launcher_runs_the_ops_api_on_8005(tmp_path):
    assert launch.SERVICE_NAME == "ops"
    assert launch.prepare(context(tmp_path)) is None
    (spec,) = launch.processes(context(tmp_path))
    assert spec.name == "ops"
    assert "greenmarket.infra.ops.app:create_app" in spec.argv and "--factory" in spec.argv
    assert spec.argv[spec.argv.index("--port") + 1] == "8005"
    assert spec.health_url == "http://127.0.0.1:8005/readyz"
    assert spec.env["KAFKA_BOOTSTRAP_SERVERS"] == "127.0.0.1:9092"
    assert all(url.startswith("postgresql+asyncpg://") for url in json.loads(spec.env["DLQ_DATABASE_URLS"]))


def test_entry_points_are_registered():
    services = {ep.name: ep.value for ep in entry_points(group="greenmarket.services")}
    assert services["ops"] == "greenmarket.infra.ops.launch"
    commands = {ep.name: ep.value for ep in entry_points(group="greenmarket.cli")}
    assert {"lag", "dlq", "projections"} <= set(commands)


def test_cli_help_lists_the_subcommands():
    from greenmarket.infra.ops.cli import dlq_app, lag_app, projections_app

    runner = CliRunner()
    assert "--watch" in runner.invoke(lag_app, ["--help"]).output
    dlq_help = runner.invoke(dlq_app, ["--help"]).output
    assert all(word in dlq_help for word in ("list", "show", "redrive", "purge"))
    assert "rebuild" in runner.invoke(projections_app, ["--help"]).output
    missing = runner.invoke(projections_app, ["rebuild", "no-such-view"])
    assert missing.exit_code == 1 and "no projection" in missing.output


def _exposed_metric_names() -> set[str]:
    names = set()
    for collector in list(REGISTRY._collector_to_names):  # noqa: SLF001 - the registry has no public listing
        for family in collector.collect():
            if family.name.startswith(("greenmarket_", "kafka_consumergroup_")):
                names.add(family.name + ("_total" if family.type == "counter" else ""))
    return names


def test_operations_doc_lists_every_metric_the_runtime_exposes():
    exposed = _exposed_metric_names()
    assert "greenmarket_http_requests_total" in exposed and "kafka_consumergroup_group_status" in exposed
    undocumented = sorted(name for name in exposed if f"`{name}`" not in OPERATIONS)
    assert undocumented == []


def test_the_dashboard_only_queries_documented_metrics():
    dashboard = json.loads((REPO / "docs" / "grafana" / "greenmarket.json").read_text())
    exprs = [t["expr"] for p in dashboard["panels"] for t in p.get("targets", [])]
    assert exprs
    used = {
        re.sub(r"_(bucket|count|sum)$", "", m)
        for e in exprs
        for m in re.findall(r"\b(?:greenmarket|kafka_consumergroup)_\w+", e)
    }
    exposed = _exposed_metric_names()
    assert used <= exposed, used - exposed
