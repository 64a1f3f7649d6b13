"""Helpers of the deployment checks (tests/test_gm_deployment_*.py): the rendered manifests, the
compose file, the tools that read them, and what the services' own code declares.

Nothing here needs a cluster or a container engine: kustomize renders the overlays, Debian's
docker-compose (1.29, Python) checks the compose file, kubernetes-validate holds the schemas.
"""

from __future__ import annotations

import contextlib
import fcntl
import importlib
import inspect
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
COMPOSE_FILE = REPO / "docker-compose.yml"
K8S = REPO / "k8s"
OVERLAYS = ("dev", "prod")
KUSTOMIZE_VERSION = "v5.8.1"

# The services whose processes we deploy, and the Python package each image installs.
SERVICES = ("user", "product", "chat", "sagas", "ops")
IMAGE_PACKAGE = {"user": "user", "product": "product", "chat": "chat", "sagas": "sagas", "ops": "infra"}
SETTINGS_MODULES = {
    "user": "greenmarket.user.settings",
    "product": "greenmarket.product.settings",
    "chat": "greenmarket.chat.settings",
    "sagas": "greenmarket.sagas.settings",
    "ops": "greenmarket.infra.ops.settings",
}
LAUNCH_MODULES = {
    "user": "greenmarket.user.launch",
    "product": "greenmarket.product.launch",
    "chat": "greenmarket.chat.launch",
    "sagas": "greenmarket.sagas.launch",
    "ops": "greenmarket.infra.ops.launch",
}
# Settings a service's class has but the service never reads, with the reason.
UNUSED_SETTINGS = {
    "ops": {"DATABASE_URL": "ops has no database of its own; DLQ redrives use DLQ_DATABASE_URLS"},
}
# Public images must carry a version tag (optionally a digest), never `latest` or no tag.
PINNED_PUBLIC_IMAGE = re.compile(r"^[a-z0-9][a-z0-9./_-]*:[0-9][A-Za-z0-9._-]*(@sha256:[0-9a-f]{64})?$")


# --- tools -----------------------------------------------------------------------------------
def cache_bin_dir() -> Path:
    base = os.environ.get("GREENMARKET_CACHE_DIR") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "greenmarket"
    return Path(base) / "bin"


@contextlib.contextmanager
def _file_lock(path: Path):
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@cache
def kustomize_command() -> tuple[list[str] | None, str]:
    """(argv prefix that renders a kustomization, how it was found) or (None, why not).

    The pinned kustomize from the cache; else built once with `go install` through the Go module
    proxy into the cache; else the kustomize inside kubectl.
    """
    binary = cache_bin_dir() / "kustomize"
    with _file_lock(cache_bin_dir() / ".kustomize.lock"):
        if not binary.exists() and shutil.which("go"):
            env = {**os.environ, "GOBIN": str(binary.parent), "GOFLAGS": "-mod=mod", "CGO_ENABLED": "0"}
            proc = subprocess.run(
                ["go", "install", f"sigs.k8s.io/kustomize/kustomize/v5@{KUSTOMIZE_VERSION}"],
                env=env, capture_output=True, text=True, timeout=1200, cwd=binary.parent,
            )  # fmt: skip
            if proc.returncode != 0:
                print(f"go install kustomize failed:\n{proc.stderr[-2000:]}", file=sys.stderr)
    if binary.exists():
        return [str(binary), "build"], f"kustomize {KUSTOMIZE_VERSION} ({binary})"
    if kubectl := shutil.which("kubectl"):
        probe = subprocess.run([kubectl, "kustomize", "--help"], capture_output=True, text=True)
        if probe.returncode == 0:
            return [kubectl, "kustomize"], "kubectl kustomize"
    return None, "no kustomize: Go is missing (for `go install`) and kubectl has no kustomize"


@cache
def docker_compose_command() -> tuple[str | None, str]:
    """Debian's docker-compose, installed with apt-get when missing and we are root."""
    if found := shutil.which("docker-compose"):
        return found, found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return None, "docker-compose is missing and apt-get cannot install it here (not root)"
    with _file_lock(cache_bin_dir() / ".apt.lock"):
        if not shutil.which("docker-compose"):
            env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
            lock = ["-o", "DPkg::Lock::Timeout=300"]
            install = ["apt-get", *lock, "install", "-y", "-qq", "--no-install-recommends", "docker-compose"]
            proc = subprocess.run(install, env=env, capture_output=True, text=True, timeout=900)
            if proc.returncode != 0:  # the package lists may be missing on a fresh machine
                subprocess.run(["apt-get", *lock, "update", "-qq"], env=env, capture_output=True, timeout=900)
                proc = subprocess.run(install, env=env, capture_output=True, text=True, timeout=900)
            if proc.returncode != 0:
                return None, f"apt-get install docker-compose failed: {proc.stderr[-500:]}"
    found = shutil.which("docker-compose")
    return (found, found) if found else (None, "docker-compose not found after apt-get install")


# --- rendered manifests and compose ----------------------------------------------------------------
@cache
def render(overlay: str) -> tuple[dict, ...]:
    command, how = kustomize_command()
    if command is None:
        import pytest

        pytest.skip(f"cannot render k8s/overlays/{overlay}: {how}")
    proc = subprocess.run([*command, str(K8S / "overlays" / overlay)], capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise AssertionError(f"{how} failed for overlay {overlay}:\n{proc.stderr}")
    return tuple(doc for doc in yaml.safe_load_all(proc.stdout) if doc)


def of_kind(docs, kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for doc in docs if doc["kind"] == kind}


def base_secret_templates() -> dict[str, dict]:
    return {d["metadata"]["name"]: d for d in yaml.safe_load_all((K8S / "base" / "secrets.yaml").read_text()) if d}


@dataclass
class Workload:
    kind: str
    name: str
    service: str | None
    component: str | None
    pod: dict  # the pod spec

    @property
    def containers(self) -> list[dict]:
        return [*self.pod.get("initContainers", []), *self.pod["containers"]]


def workloads(docs) -> list[Workload]:
    found = []
    for doc in docs:
        if doc["kind"] in ("Deployment", "StatefulSet", "Job"):
            template = doc["spec"]["template"]
            labels = template["metadata"].get("labels", {})
            found.append(
                Workload(doc["kind"], doc["metadata"]["name"], labels.get("greenmarket.io/service"),
                         labels.get("app.kubernetes.io/component"), template["spec"])
            )  # fmt: skip
    return found


def container_env(container: dict, docs, *, overlay: str) -> dict[str, str]:
    """The environment a container gets: envFrom ConfigMaps and Secrets, then env entries.

    The prod overlay keeps no Secret: those come from the secret manager with the keys of the
    templates in k8s/base/secrets.yaml, whose values stand in here.
    """
    configmaps, secrets = of_kind(docs, "ConfigMap"), of_kind(docs, "Secret")
    templates = base_secret_templates()
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        if ref := source.get("configMapRef"):
            assert ref["name"] in configmaps, f"{container['name']}: ConfigMap {ref['name']} is not rendered"
            env.update(configmaps[ref["name"]].get("data", {}))
        elif ref := source.get("secretRef"):
            secret = secrets.get(ref["name"])
            if secret is None:
                assert overlay == "prod", f"{container['name']}: Secret {ref['name']} is not rendered ({overlay})"
                assert ref["name"] in templates, f"Secret {ref['name']} has no template in k8s/base/secrets.yaml"
                secret = templates[ref["name"]]
            env.update(secret_values(secret))
    for item in container.get("env", []):
        if "value" in item:
            env[item["name"]] = str(item["value"])
        elif ref := item.get("valueFrom", {}).get("configMapKeyRef"):
            env[item["name"]] = configmaps[ref["name"]]["data"][ref["key"]]
        elif ref := item.get("valueFrom", {}).get("secretKeyRef"):
            env[item["name"]] = secret_values(secrets[ref["name"]])[ref["key"]]
        else:
            env[item["name"]] = ""
    return env


def secret_values(secret: dict) -> dict[str, str]:
    import base64

    values = {k: base64.b64decode(v).decode() for k, v in (secret.get("data") or {}).items()}
    values.update(secret.get("stringData") or {})
    return values


@cache
def compose() -> dict:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


def compose_service_of(name: str) -> str | None:
    """Which Greenmarket service a compose entry runs for (None: a backing server or the gateway)."""
    if name == "ops":
        return "ops"
    prefix = name.split("-")[0]
    return prefix if prefix in SERVICES and name not in (f"{prefix}-db",) else None


def compose_env(service: dict) -> dict[str, str]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        env = dict(item.split("=", 1) for item in env)
    return {k: "" if v is None else str(v) for k, v in env.items()}


# --- what the services declare ------------------------------------------------------------------
def settings_class(service: str):
    from greenmarket.infra.settings import ServiceSettings

    module = importlib.import_module(SETTINGS_MODULES[service])
    classes = [
        obj for obj in vars(module).values()
        if inspect.isclass(obj) and issubclass(obj, ServiceSettings) and obj.__module__ == module.__name__
    ]  # fmt: skip
    assert len(classes) == 1, f"{module.__name__} should define one ServiceSettings subclass, found {classes}"
    return classes[0]


def settings_env_names(cls) -> set[str]:
    """Environment variable names pydantic-settings reads for the class (case-insensitive: upper)."""
    from pydantic import AliasChoices

    prefix = (cls.model_config.get("env_prefix") or "").upper()
    names = set()
    for field_name, field in cls.model_fields.items():
        alias = field.validation_alias or field.alias
        if isinstance(alias, str):
            names.add(alias.upper())
        elif isinstance(alias, AliasChoices):
            names.add(str(alias.choices[0]).upper())
        else:
            names.add(f"{prefix}{field_name}".upper())
    return names


def required_env(service: str) -> set[str]:
    return settings_env_names(settings_class(service)) - set(UNUSED_SETTINGS.get(service, {}))


def launch_module(service: str):
    try:
        return importlib.import_module(LAUNCH_MODULES[service])
    except ModuleNotFoundError as exc:
        if exc.name and LAUNCH_MODULES[service].startswith(exc.name):
            return None
        raise


def launch_processes(service: str):
    """The ProcessSpecs `greenmarket up` starts for the service, with a placeholder context."""
    from greenmarket.infra.stack.services import ServiceContext

    module = launch_module(service)
    if module is None:
        return None
    ctx = ServiceContext(
        repo_root=REPO, state_dir=REPO / ".greenmarket", kafka_bootstrap_servers="127.0.0.1:9092",
        redis_url="redis://127.0.0.1:56379/0", admin_dsn="postgresql://greenmarket:greenmarket@127.0.0.1:55432/postgres",
        media_root=REPO / ".greenmarket" / "media", gateway_url="http://127.0.0.1:8080",
        jwks_url="http://127.0.0.1:8001/api/user/.well-known/jwks.json",
    )  # fmt: skip
    return module.processes(ctx)


def deployment_name(process_name: str) -> str:
    """`chat-api-1` (the first of several local API processes) is the `chat-api` Deployment."""
    return re.sub(r"-\d+$", "", process_name)


def normalize_command(argv: list[str]) -> list[str]:
    """One spelling for a process command, whether it names the interpreter or the console script."""
    argv = list(argv)
    if argv and Path(argv[0]).name.startswith("python"):
        argv = argv[1:]
        if argv[:1] == ["-m"]:
            module, rest = argv[1], argv[2:]
            if module == "uvicorn":
                argv = ["uvicorn", *rest]
            elif module == "greenmarket.infra.cli":
                argv = ["greenmarket", *rest]
            else:
                argv = ["python", "-m", module, *rest]
    elif argv and Path(argv[0]).name == "greenmarket":
        argv = ["greenmarket", *argv[1:]]
    return argv


def option(argv: list[str], name: str) -> str | None:
    return argv[argv.index(name) + 1] if name in argv and argv.index(name) + 1 < len(argv) else None


def without_network_options(argv: list[str]) -> list[str]:
    """A command without where it listens, keeps its files and how much it logs: those differ
    between a laptop and a pod."""
    valued = {"--host", "--port", "--forwarded-allow-ips", "--probe-port", "--datadir", "-l", "--loglevel"}
    flags = {"--no-access-log", "--proxy-headers"}
    result, skip = [], False
    for item in argv:
        if skip:
            skip = False
            continue
        if item in valued:
            skip = True
            continue
        if item in flags:
            continue
        result.append(item)
    return result


def probe_port(url: str) -> int:
    match = re.match(r"https?://[^/:]+:(\d+)/", url)
    assert match, url
    return int(match.group(1))
