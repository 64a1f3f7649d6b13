"""k8s/: every overlay renders with kustomize, validates against the Kubernetes schemas offline,
and keeps the rules a platform team checks in review (probes, limits, security, budgets,
autoscaling, network isolation, pinned images)."""

from __future__ import annotations

import re

import kubernetes_validate
import pytest
from test_gm_deployment_support import (
    IMAGE_PACKAGE,
    OVERLAYS,
    PINNED_PUBLIC_IMAGE,
    REPO,
    kustomize_command,
    of_kind,
    render,
    workloads,
)

# The oldest Kubernetes we support and the newest kubernetes-validate knows.
KUBERNETES_VERSIONS = ("1.31.0", kubernetes_validate.latest_version())
GREENMARKET_SERVICES = ("user", "product", "chat", "sagas", "ops", "web")
# Documented exceptions to the read-only root filesystem (docs/deployment.md).
WRITABLE_ROOT = {"kafka"}  # the apache/kafka image renders its server.properties at start


@pytest.fixture(scope="module", params=OVERLAYS)
def overlay(request):
    command, how = kustomize_command()
    if command is None:
        pytest.skip(how)
    return request.param


def test_overlay_renders(overlay):
    docs = render(overlay)
    kinds = {doc["kind"] for doc in docs}
    assert {"Deployment", "Service", "ConfigMap", "Ingress", "NetworkPolicy", "PodDisruptionBudget",
            "HorizontalPodAutoscaler", "Job", "ScaledObject"} <= kinds  # fmt: skip
    assert all(doc["metadata"].get("namespace") == "greenmarket" for doc in docs if doc["kind"] != "Namespace")


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_overlay_validates_against_the_kubernetes_schemas(overlay, version):
    problems = []
    for doc in render(overlay):
        if doc["apiVersion"].startswith("keda.sh/"):
            continue  # a CRD: checked by test_keda_scales_the_consumers_on_their_real_groups
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            problems.append(f"{doc['kind']} {doc['metadata']['name']}: {exc.message} at {list(exc.path)}")
        except kubernetes_validate.SchemaNotFoundError:
            problems.append(f"{doc['kind']} {doc['metadata']['name']}: no schema for {doc['apiVersion']}")
    assert not problems, "\n".join(problems)


def test_dev_runs_kafka_postgres_and_redis_in_the_cluster():
    statefulsets = of_kind(render("dev"), "StatefulSet")
    assert {"kafka", "redis", "user-db", "product-db", "chat-db", "sagas-db"} <= set(statefulsets)
    assert statefulsets["kafka"]["spec"]["template"]["spec"]["containers"][0]["image"].startswith("apache/kafka:")


def test_prod_keeps_backing_servers_and_secrets_outside():
    docs = render("prod")
    assert not of_kind(docs, "StatefulSet")
    assert not of_kind(docs, "Secret"), "prod secrets come from the secret manager, not from git"
    common = next(d for n, d in of_kind(docs, "ConfigMap").items() if n.startswith("greenmarket-common"))
    assert "svc.cluster.local" not in common["data"]["KAFKA_BOOTSTRAP_SERVERS"]
    ingress = of_kind(docs, "Ingress")["greenmarket"]
    assert ingress["spec"]["tls"] and ingress["spec"]["rules"][0]["host"]


def test_every_container_has_probes_resources_and_a_locked_down_security_context(overlay):
    problems = []
    for workload in workloads(render(overlay)):
        pod = workload.pod
        security = pod.get("securityContext", {})
        if workload.kind != "StatefulSet" or workload.name not in WRITABLE_ROOT:
            if not security.get("runAsNonRoot"):
                problems.append(f"{workload.name}: pod may run as root")
        if pod.get("automountServiceAccountToken") is not False:
            problems.append(f"{workload.name}: mounts a service account token it never uses")
        for container in workload.containers:
            where = f"{workload.name}/{container['name']}"
            context = container.get("securityContext", {})
            if context.get("allowPrivilegeEscalation") is not False:
                problems.append(f"{where}: allowPrivilegeEscalation")
            if context.get("capabilities", {}).get("drop") != ["ALL"]:
                problems.append(f"{where}: capabilities not dropped")
            if not context.get("readOnlyRootFilesystem") and workload.name not in WRITABLE_ROOT:
                problems.append(f"{where}: writable root filesystem")
            resources = container.get("resources", {})
            if not {"cpu", "memory"} <= set(resources.get("requests", {})) or "memory" not in resources.get("limits", {}):
                problems.append(f"{where}: resource requests and memory limit required")
            initial = container in pod.get("initContainers", [])
            if workload.kind != "Job" and not initial:
                for probe in ("readinessProbe", "livenessProbe"):
                    if probe not in container:
                        problems.append(f"{where}: no {probe}")
    assert not problems, "\n".join(problems)


def _probe_target(container: dict, probe: dict) -> tuple[str, int | str]:
    if "httpGet" in probe:
        ports = {p["name"]: p["containerPort"] for p in container.get("ports", [])}
        return probe["httpGet"]["path"], ports.get(probe["httpGet"]["port"], probe["httpGet"]["port"])
    command = probe["exec"]["command"]
    assert command[0] == "gm-healthcheck", command
    match = re.match(r"http://127\.0\.0\.1:(\d+)(/\w+)$", command[1])
    assert match, command
    return match.group(2), int(match.group(1))


def test_greenmarket_probes_use_healthz_and_readyz_on_the_process_port(overlay):
    from greenmarket.infra.web.app import create_service_app

    routes = {route.path for route in create_service_app("probe-check").routes}
    assert {"/healthz", "/readyz"} <= routes, "the shared app no longer serves the probe routes"
    for workload in workloads(render(overlay)):
        if workload.service not in GREENMARKET_SERVICES or workload.kind != "Deployment":
            continue
        container = workload.pod["containers"][0]
        ready_path, ready_port = _probe_target(container, container["readinessProbe"])
        live_path, live_port = _probe_target(container, container["livenessProbe"])
        where = f"{workload.name}/{container['name']}"
        if workload.service == "web":
            assert (ready_path, live_path) == ("/healthz", "/healthz"), where  # nginx: no dependencies to check
        else:
            assert (ready_path, live_path) == ("/readyz", "/healthz"), where
        assert ready_port == live_port, where
        command = container.get("command", [])
        if "--port" in command:
            assert int(command[command.index("--port") + 1]) == ready_port, f"{where}: probes another port"
        if "--probe-port" in command:
            assert int(command[command.index("--probe-port") + 1]) == ready_port, f"{where}: probes another port"


def test_images_are_built_here_or_pinned(overlay):
    dockerfiles = {"web": REPO / "deploy/docker/web.Dockerfile"}
    dockerfiles |= {package: REPO / "deploy/docker/service.Dockerfile" for package in IMAGE_PACKAGE.values()}
    for workload in workloads(render(overlay)):
        for container in workload.containers:
            image = container["image"]
            match = re.match(r"^(?:[\w.-]+(?::\d+)?/)*greenmarket/([\w-]+):[\w.-]+(@sha256:[0-9a-f]{64})?$", image)
            if match:
                assert match.group(1) in dockerfiles, f"{workload.name}: {image} has no Dockerfile"
                assert dockerfiles[match.group(1)].is_file()
                if workload.service in IMAGE_PACKAGE:
                    assert match.group(1) == IMAGE_PACKAGE[workload.service], f"{workload.name} runs {image}"
            else:
                assert PINNED_PUBLIC_IMAGE.match(image), f"{workload.name}: {image} is neither ours nor pinned"


def test_apis_have_budgets_and_cpu_autoscaling_and_consumers_scale_with_keda(overlay):
    docs = render(overlay)
    deployments = of_kind(docs, "Deployment")
    budgets = {d["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"] for d in of_kind(docs, "PodDisruptionBudget").values()}
    hpas = {d["spec"]["scaleTargetRef"]["name"] for d in of_kind(docs, "HorizontalPodAutoscaler").values()}
    scaled = {d["spec"]["scaleTargetRef"]["name"] for d in of_kind(docs, "ScaledObject").values()}
    for name, deployment in deployments.items():
        component = deployment["spec"]["template"]["metadata"]["labels"].get("app.kubernetes.io/component")
        if component in ("api", "web", "relay", "worker", "agents") and name != "ops":
            assert name in budgets, f"{name} has no PodDisruptionBudget"
        if component in ("api", "web") and name != "ops":
            assert name in hpas, f"{name} has no HorizontalPodAutoscaler"
        if name in hpas or name in scaled:
            assert "replicas" not in deployment["spec"], f"{name}: an apply would reset what the autoscaler chose"
        if component in ("worker", "agents"):
            assert name in scaled, f"{name} has no KEDA ScaledObject"
            assert name not in hpas, f"{name}: an HPA and a ScaledObject would fight over the replicas"
    assert scaled <= set(deployments)


def _group_is_real(group: str) -> bool:
    """The consumer group name appears in the code that consumes (plain or as an f-string tail)."""
    service = group.split("-")[0]
    source = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / service / "src").rglob("*.py"))
    if group == f"{service}-participant":
        return re.search(rf'Participant\(\s*"{service}"', source) is not None
    return f'{group}"' in source


def test_keda_scales_the_consumers_on_their_real_groups(overlay):
    from greenmarket.infra.messaging.topics import TOPICS

    partitions = {spec.name: spec.partitions for spec in TOPICS}
    docs = render(overlay)
    configmaps = of_kind(docs, "ConfigMap")
    deployments = of_kind(docs, "Deployment")
    for name, scaled in of_kind(docs, "ScaledObject").items():
        spec = scaled["spec"]
        target = deployments[spec["scaleTargetRef"]["name"]]
        assert spec["minReplicaCount"] >= 1, f"{name}: scaling to zero delays saga replies past their timeout"
        env_names = set()
        for source in target["spec"]["template"]["spec"]["containers"][0]["envFrom"]:
            if ref := source.get("configMapRef"):
                env_names |= set(configmaps[ref["name"]]["data"])
        for trigger in spec["triggers"]:
            meta = trigger["metadata"]
            assert trigger["type"] == "kafka"
            assert meta["bootstrapServersFromEnv"] in env_names, f"{name}: KEDA reads an unset variable"
            assert meta["topic"] in partitions, f"{name}: {meta['topic']} is not a declared topic"
            assert spec["maxReplicaCount"] <= partitions[meta["topic"]], f"{name}: more consumers than partitions"
            assert _group_is_real(meta["consumerGroup"]), f"{name}: no consumer group {meta['consumerGroup']} in the code"


def _allowed_database_egress(policies, pod_labels) -> set[str]:
    allowed = set()
    for policy in policies.values():
        selector = policy["spec"]["podSelector"]
        if not _selects(selector, pod_labels) or "Egress" not in policy["spec"]["policyTypes"]:
            continue
        for rule in policy["spec"].get("egress", []):
            for peer in rule.get("to", []):
                labels = peer.get("podSelector", {}).get("matchLabels", {})
                if "greenmarket.io/database" in labels:
                    allowed.add(labels["greenmarket.io/database"])
                if "ipBlock" in peer and any(p.get("port") == 5432 for p in rule.get("ports", [])):
                    allowed.add(policy["metadata"]["name"].removeprefix("external-").removesuffix("-db"))
    return allowed


def _selects(selector: dict, labels: dict) -> bool:
    if any(labels.get(k) != v for k, v in selector.get("matchLabels", {}).items()):
        return False
    for expression in selector.get("matchExpressions", []):
        value = labels.get(expression["key"])
        operator = expression["operator"]
        if operator == "In" and value not in expression["values"]:
            return False
        if operator == "Exists" and value is None:
            return False
    return True


def test_network_policies_give_each_service_only_its_own_database(overlay):
    docs = render(overlay)
    policies = of_kind(docs, "NetworkPolicy")
    assert policies["default-deny"]["spec"]["podSelector"] == {}
    for workload in workloads(docs):
        if workload.service not in ("user", "product", "chat", "sagas"):
            continue
        labels = {"greenmarket.io/service": workload.service, "app.kubernetes.io/name": workload.name}
        allowed = _allowed_database_egress(policies, labels)
        assert allowed == {workload.service}, f"{overlay}: {workload.name} may reach databases {sorted(allowed)}"
    if overlay == "dev":
        for service in ("user", "product", "chat", "sagas"):
            ingress = policies[f"{service}-db"]["spec"]["ingress"][0]["from"]
            callers = {peer["podSelector"]["matchLabels"]["greenmarket.io/service"] for peer in ingress}
            assert callers == {service, "ops"}, f"{service}-db accepts {callers}"


def test_ingress_routes_socket_io_with_websocket_settings(overlay):
    ingresses = of_kind(render(overlay), "Ingress")
    ws = ingresses["greenmarket-chat-ws"]
    annotations = ws["metadata"]["annotations"]
    assert int(annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]) >= 3600
    assert int(annotations["nginx.ingress.kubernetes.io/proxy-send-timeout"]) >= 3600
    assert annotations["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    paths = ws["spec"]["rules"][0]["http"]["paths"]
    assert [(p["path"], p["backend"]["service"]["name"]) for p in paths] == [("/ws/chat", "chat-api")]


def test_migrations_run_as_jobs_before_the_services_start(overlay):
    docs = render(overlay)
    jobs = of_kind(docs, "Job")
    for service in ("user", "product", "chat", "sagas"):
        job = jobs[f"{service}-migrate"]
        assert job["spec"]["template"]["spec"]["containers"][0]["command"] == ["gm-migrate", service]
    assert jobs["kafka-topics"]["spec"]["template"]["spec"]["containers"][0]["command"] == ["gm-topics"]
    for workload in workloads(docs):
        if workload.kind == "Deployment" and workload.service in ("user", "product", "chat", "sagas"):
            init = workload.pod.get("initContainers", [])
            assert [c["command"] for c in init] == [["gm-migrate", workload.service, "--wait"]], workload.name
