"""Every container runs what `greenmarket up` runs, with every setting the service reads.

The services' launch modules (`processes(ctx)`) and settings classes are the source of truth:
compose and Kubernetes must run the same commands, probe the same ports, and set every
environment variable the settings class reads, with values the class accepts.
"""

from __future__ import annotations

import pytest
from test_gm_deployment_support import (
    LAUNCH_MODULES,
    OVERLAYS,
    REPO,
    SERVICES,
    UNUSED_SETTINGS,
    compose,
    compose_env,
    compose_service_of,
    container_env,
    deployment_name,
    launch_module,
    launch_processes,
    normalize_command,
    option,
    probe_port,
    render,
    required_env,
    settings_class,
    without_network_options,
    workloads,
)


def _k8s_containers(overlay: str, service: str):
    docs = render(overlay)
    for workload in workloads(docs):
        if workload.service == service:
            for container in workload.containers:
                yield workload, container, container_env(container, docs, overlay=overlay)


def _compose_containers(service: str):
    for name, entry in compose()["services"].items():
        if compose_service_of(name) == service:
            yield name, entry, compose_env(entry)


@pytest.mark.parametrize("service", SERVICES)
def test_compose_sets_every_setting_the_service_reads(service):
    wanted = required_env(service)
    found = list(_compose_containers(service))
    assert found, f"no compose container runs {service}"
    for name, _, env in found:
        missing = sorted(wanted - set(env))
        assert not missing, f"compose service {name} lacks {missing} ({settings_class(service).__name__})"


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("service", SERVICES)
def test_kubernetes_sets_every_setting_the_service_reads(overlay, service):
    wanted = required_env(service)
    found = list(_k8s_containers(overlay, service))
    assert found, f"no workload of {service} in overlay {overlay}"
    for workload, container, env in found:
        missing = sorted(wanted - set(env))
        assert not missing, f"{overlay}: {workload.kind} {workload.name}/{container['name']} lacks {missing}"


@pytest.mark.parametrize("service", SERVICES)
def test_configured_values_are_accepted_by_the_settings_class(service, monkeypatch):
    cls = settings_class(service)
    sources = [(f"compose {name}", env) for name, _, env in _compose_containers(service)]
    for overlay in OVERLAYS:
        sources += [(f"{overlay} {w.name}/{c['name']}", env) for w, c, env in _k8s_containers(overlay, service)]
    for where, env in sources:
        with monkeypatch.context() as patch:
            for key in required_env(service) | set(UNUSED_SETTINGS.get(service, {})):
                patch.delenv(key, raising=False)
            for key, value in env.items():
                patch.setenv(key, value)
            try:
                settings = cls()
            except Exception as exc:  # noqa: BLE001 - the message names the bad variable
                pytest.fail(f"{where}: {cls.__name__} refuses the configured environment: {exc}")
            assert settings.service_name == service, where


def _launch_specs(service):
    specs = launch_processes(service)
    if specs is None:
        pytest.skip(f"{service} has no launch module ({LAUNCH_MODULES[service]}) yet")
    return specs


def _same_command(ours: list[str], theirs: list[str]) -> bool:
    ours, theirs = normalize_command(ours), normalize_command(theirs)
    return without_network_options(ours) == without_network_options(theirs)


@pytest.mark.parametrize("service", SERVICES)
def test_compose_runs_the_launch_commands(service):
    services = compose()["services"]
    for spec in _launch_specs(service):
        entry = services.get(spec.name) or services[deployment_name(spec.name)]
        assert _same_command(entry["command"], spec.argv), f"{spec.name}: compose {entry['command']} vs up {spec.argv}"
        env = compose_env(entry)
        _assert_same_probe_port(f"compose {spec.name}", spec, entry["command"], env, entry["healthcheck"]["test"][-1])
        _assert_launch_env(f"compose {spec.name}", spec, env, service)


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("service", SERVICES)
def test_kubernetes_runs_the_launch_commands(overlay, service):
    docs = render(overlay)
    deployments = {w.name: w for w in workloads(docs) if w.kind == "Deployment"}
    for spec in _launch_specs(service):
        workload = deployments.get(deployment_name(spec.name))
        assert workload is not None, f"{overlay}: no Deployment for {spec.name}"
        container = workload.pod["containers"][0]
        assert _same_command(container["command"], spec.argv), f"{spec.name}: {container['command']} vs {spec.argv}"
        env = container_env(container, docs, overlay=overlay)
        probe = container["readinessProbe"]
        if "httpGet" in probe:
            ports = {p["name"]: p["containerPort"] for p in container["ports"]}
            port = ports.get(probe["httpGet"]["port"], probe["httpGet"]["port"])
            url = f"http://127.0.0.1:{port}{probe['httpGet']['path']}"
        else:
            url = probe["exec"]["command"][-1]
        _assert_same_probe_port(f"{overlay} {spec.name}", spec, container["command"], env, url)
        _assert_launch_env(f"{overlay} {spec.name}", spec, env, service)


def _assert_same_probe_port(where, spec, command, env, url):
    """The container's probe hits the port the process listens on: the API's --port, or the probe port."""
    port = probe_port(url)
    assert url.endswith("/readyz"), f"{where}: readiness is {url}"
    normalized = normalize_command(command)
    if normalized[0] == "uvicorn":
        # An API's probe hits its --port. The number itself may differ from the launcher's: every
        # container has its own network namespace, so the second local chat process (8013) is
        # another pod or compose entry on 8003.
        assert int(option(normalized, "--port")) == port, f"{where}: probe {url} but --port {option(normalized, '--port')}"
        if not spec.name.endswith(("-2", "-3")):  # the first API process keeps the documented port
            assert option(normalize_command(spec.argv), "--port") == str(port), f"{where}: port {port} vs {spec.argv}"
        return
    assert spec.health_url, f"{where}: the launcher gives no health URL for {spec.name}"
    assert port == probe_port(spec.health_url), f"{where}: probe port {port}, `greenmarket up` uses {spec.health_url}"


def _assert_launch_env(where, spec, env, service):
    for key, value in spec.env.items():
        if key in UNUSED_SETTINGS.get(service, {}):
            continue
        assert key in env, f"{where}: `greenmarket up` sets {key}, the container does not"
        if key.endswith("_PORT"):
            assert env[key] == value, f"{where}: {key}={env[key]}, `greenmarket up` uses {value}"


# Settings that differ between a laptop and a cluster on purpose.
DIFFERS_BY_DESIGN = {"COOKIE_SECURE"}  # plain http in compose and dev, HTTPS in prod


@pytest.mark.parametrize("service", SERVICES)
def test_compose_and_kubernetes_agree_on_the_service_settings(service):
    """Tuning values (token lifetimes, argon2 cost, saga timeouts) are the same in both: only
    addresses, credentials and the cookie's Secure flag depend on where Greenmarket runs."""
    config = {}
    for line in (REPO / "k8s/base/config" / f"{service}.env").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            config[key] = value
    for name, _, env in _compose_containers(service):
        for key, value in config.items():
            if key in DIFFERS_BY_DESIGN or key not in required_env(service):
                continue
            assert env.get(key) == value, f"{key}: compose {name} has {env.get(key)!r}, k8s/base/config has {value!r}"
