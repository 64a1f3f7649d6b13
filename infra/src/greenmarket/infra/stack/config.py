"""Where the local stack lives and which loopback ports it uses, read once from the environment."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

KAFKA_VERSION = "4.1.1"
KAFKA_ARTIFACT = "org.apache.kafka:kafka_2.13"
# Kafka brings slf4j-api 1.7, which cannot see a 2.x binding: pin the API to the binding's version.
SLF4J_ARTIFACTS = ("org.slf4j:slf4j-api:2.0.17", "org.slf4j:slf4j-simple:2.0.17")

# Fixed ports of the processes `greenmarket up` starts; the gateway routes to them.
SERVICE_PORTS: dict[str, tuple[int, ...]] = {
    "user": (8001,),
    "product": (8002,),
    "chat": (8003, 8013),
    "sagas": (8004,),
    "ops": (8005,),
}

PRIVATE_PG_USER = "greenmarket"
PRIVATE_PG_PASSWORD = "greenmarket"


def find_repo_root() -> Path:
    """The workspace root: GREENMARKET_REPO_ROOT, else the clone this code is installed from, else cwd."""
    if env := os.environ.get("GREENMARKET_REPO_ROOT"):
        return Path(env).resolve()
    candidates = [Path(__file__).resolve().parents[5], *Path.cwd().resolve().parents]
    candidates.insert(1, Path.cwd().resolve())
    for candidate in candidates:
        pyproject = candidate / "pyproject.toml"
        if pyproject.is_file() and "[tool.uv.workspace]" in pyproject.read_text(encoding="utf-8"):
            return candidate
    return Path.cwd().resolve()


def _int_env(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name}={raw!r} is not a port number") from None


@dataclass(frozen=True)
class StackConfig:
    repo_root: Path
    state_dir: Path
    cache_dir: Path
    kafka_port: int
    kafka_controller_port: int
    pg_port: int
    external_pg_dsn: str | None
    redis_port: int
    external_redis_url: str | None
    gateway_port: int
    media_root: Path

    @classmethod
    def from_env(cls) -> StackConfig:
        repo_root = find_repo_root()
        state_dir = Path(os.environ.get("GREENMARKET_STATE_DIR") or repo_root / ".greenmarket").resolve()
        xdg_cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        cache_dir = Path(os.environ.get("GREENMARKET_CACHE_DIR") or Path(xdg_cache) / "greenmarket").resolve()
        media_root = Path(os.environ.get("GREENMARKET_MEDIA_ROOT") or state_dir / "media").resolve()
        return cls(
            repo_root=repo_root,
            state_dir=state_dir,
            cache_dir=cache_dir,
            kafka_port=_int_env("KAFKA_PORT", 9092),
            kafka_controller_port=_int_env("KAFKA_CONTROLLER_PORT", 9093),
            pg_port=_int_env("GREENMARKET_PG_PORT", 55432),
            external_pg_dsn=os.environ.get("GREENMARKET_PG_ADMIN_DSN") or None,
            redis_port=_int_env("GREENMARKET_REDIS_PORT", 56379),
            external_redis_url=os.environ.get("GREENMARKET_REDIS_URL") or None,
            gateway_port=_int_env("GREENMARKET_GATEWAY_PORT", 8080),
            media_root=media_root,
        )

    # Derived locations -------------------------------------------------------------------
    @property
    def run_dir(self) -> Path:
        return self.state_dir / "run"

    @property
    def log_dir(self) -> Path:
        return self.state_dir / "logs"

    def log_file(self, name: str) -> Path:
        return self.log_dir / f"{name}.log"

    @property
    def kafka_home(self) -> Path:
        return self.cache_dir / f"kafka-{KAFKA_VERSION}"

    # Addresses ---------------------------------------------------------------------------
    @property
    def bootstrap_servers(self) -> str:
        return f"127.0.0.1:{self.kafka_port}"

    @property
    def private_pg_dsn(self) -> str:
        return f"postgresql://{PRIVATE_PG_USER}:{PRIVATE_PG_PASSWORD}@127.0.0.1:{self.pg_port}/postgres"

    @property
    def private_redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.redis_port}/0"

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.gateway_port}"

    @property
    def jwks_url(self) -> str:
        return f"http://127.0.0.1:{SERVICE_PORTS['user'][0]}/api/user/.well-known/jwks.json"


def host_port(url: str, default_port: int) -> tuple[str, int]:
    parts = urlsplit(url)
    return parts.hostname or "127.0.0.1", parts.port or default_port
