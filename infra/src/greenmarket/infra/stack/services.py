"""The contract between `greenmarket up` and each service's launcher module.

A service registers a module in the `greenmarket.services` entry-point group::

    [project.entry-points."greenmarket.services"]
    user = "greenmarket.user.launch"

The module defines::

    SERVICE_NAME = "user"
    def prepare(ctx: ServiceContext) -> None: ...        # may be async; e.g. run migrations
    def processes(ctx: ServiceContext) -> list[ProcessSpec]: ...

Before `prepare`, `greenmarket up` has created role and database `greenmarket_<SERVICE_NAME>`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from greenmarket.infra.stack.postgres import (
    database_dsn,
    ensure_database,
    ensure_database_async,
)

__all__ = ["ProcessSpec", "ServiceContext", "database_name", "ensure_database", "ensure_database_async"]


def database_name(service: str) -> str:
    return f"greenmarket_{service}"


@dataclass
class ServiceContext:
    repo_root: Path
    state_dir: Path
    kafka_bootstrap_servers: str
    redis_url: str
    admin_dsn: str
    media_root: Path
    gateway_url: str
    jwks_url: str

    def database_url(self, service: str) -> str:
        """`postgresql+asyncpg://` URL of database `greenmarket_<service>`, as its own role (password = name)."""
        name = database_name(service)
        return database_dsn(self.admin_dsn, name, user=name, password=name)

    def base_env(self, service: str) -> dict[str, str]:
        """The environment every process of `service` needs; ProcessSpec.env usually starts from this."""
        return {
            "SERVICE_NAME": service,
            "DATABASE_URL": self.database_url(service),
            "KAFKA_BOOTSTRAP_SERVERS": self.kafka_bootstrap_servers,
            "REDIS_URL": self.redis_url,
            "JWKS_URL": self.jwks_url,
            "MEDIA_ROOT": str(self.media_root),
        }


@dataclass
class ProcessSpec:
    name: str  # unique across services, e.g. "user-api", "user-relay"; names the log file
    argv: list[str]
    env: dict[str, str] = field(default_factory=dict)  # added to the launcher's environment
    health_url: str | None = None  # `up` waits for a 200 here before it reports ready
