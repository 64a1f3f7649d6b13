"""docker-compose.yml: parses with Debian's docker-compose, and describes the system `greenmarket up` runs."""

from __future__ import annotations

import subprocess

import pytest
from test_gm_deployment_support import (
    COMPOSE_FILE,
    PINNED_PUBLIC_IMAGE,
    REPO,
    SERVICES,
    compose,
    compose_env,
    compose_service_of,
    deployment_name,
    docker_compose_command,
    launch_processes,
)

ONE_SHOT = {"kafka-topics", "user-migrate", "product-migrate", "chat-migrate", "sagas-migrate"}
WORKSPACE_PACKAGES = {"user", "product", "chat", "sagas", "infra", "schemas"}


def test_compose_file_passes_docker_compose_config():
    binary, how = docker_compose_command()
    if binary is None:
        pytest.skip(f"Debian's docker-compose is not available ({how}); the structural checks below still ran")
    proc = subprocess.run([binary, "-f", str(COMPOSE_FILE), "config", "-q"], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr


def test_backing_servers_are_kafka_kraft_one_postgres_per_service_and_redis():
    services = compose()["services"]
    assert services["kafka"]["image"].startswith("apache/kafka:")
    assert services["kafka"]["environment"]["KAFKA_PROCESS_ROLES"] == "broker,controller"
    assert services["kafka"]["environment"]["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    for service in ("user", "product", "chat", "sagas"):
        db = services[f"{service}-db"]
        assert db["image"].startswith("postgres:")
        assert db["environment"]["POSTGRES_DB"] == f"greenmarket_{service}"
        assert f"@{service}-db:5432/greenmarket_{service}" in compose_env(services[f"{service}-api"])["DATABASE_URL"]
    assert services["redis"]["image"].startswith("redis:")
    assert services["kafka-topics"]["command"] == ["gm-topics"]
    for service in ("user", "product", "chat", "sagas"):
        assert services[f"{service}-migrate"]["command"] == ["gm-migrate", service]


def test_every_process_of_greenmarket_up_runs_in_compose():
    services = compose()["services"]
    missing = []
    for service in SERVICES:
        specs = launch_processes(service)
        if specs is None:
            continue  # no launch module yet: test_gm_deployment_launch reports it
        for index, spec in enumerate(specs):
            name = deployment_name(spec.name)
            if name in services:
                continue
            # extra API processes of one service (chat-api-2) run as their own compose entries
            if f"{name}-{index + 1}" not in services and f"{name}-2" not in services:
                missing.append(spec.name)
    assert not missing, f"processes of `greenmarket up` with no compose service: {missing}"


def test_start_order_follows_health_checks():
    services = compose()["services"]
    for name, service in services.items():
        if name not in ONE_SHOT:
            assert "healthcheck" in service, f"{name} has no health check"
        depends = service.get("depends_on", {})
        assert isinstance(depends, dict), f"{name}: depends_on needs conditions, not a plain list"
        for target, rule in depends.items():
            assert target in services, f"{name} depends on unknown {target}"
            wanted = "service_completed_successfully" if target in ONE_SHOT else "service_healthy"
            assert rule["condition"] == wanted, f"{name} -> {target}: {rule}"
    for service in ("user", "product", "chat", "sagas"):
        for name, entry in services.items():
            if compose_service_of(name) == service and name != f"{service}-migrate":
                assert f"{service}-migrate" in entry["depends_on"], f"{name} starts before its migrations"
                assert "kafka-topics" in entry["depends_on"], f"{name} starts before the topics exist"


def test_images_are_built_here_or_pinned():
    for name, service in compose()["services"].items():
        image = service["image"]
        if "build" in service:
            build = service["build"]
            assert (REPO / build["context"] / build["dockerfile"]).is_file(), f"{name}: {build}"
            package = build.get("args", {}).get("SERVICE")
            if package is not None:
                assert package in WORKSPACE_PACKAGES, f"{name}: SERVICE={package} is no workspace package"
                assert image == f"greenmarket/{package}:local", f"{name}: {image}"
        else:
            assert PINNED_PUBLIC_IMAGE.match(image), f"{name}: public image {image} must be pinned to a version"


def test_greenmarket_containers_are_locked_down():
    for name, service in compose()["services"].items():
        if not service["image"].startswith("greenmarket/"):
            continue
        assert service.get("read_only") is True, name
        assert "ALL" in service.get("cap_drop", []), name
        assert "/tmp" in service.get("tmpfs", []), name


def test_gateway_serves_the_web_app_with_the_compose_upstreams():
    gateway = compose()["services"]["gateway"]
    assert gateway["build"]["dockerfile"] == "deploy/docker/web.Dockerfile"
    mounts = gateway["volumes"]
    upstreams = [m for m in mounts if m.endswith(":/etc/nginx/greenmarket/upstreams.conf:ro")]
    assert upstreams and (REPO / upstreams[0].split(":")[0]).is_file()
    assert any(m.startswith("media:/var/lib/greenmarket/media") for m in mounts)
    assert "127.0.0.1:8080:8080" in gateway["ports"]
