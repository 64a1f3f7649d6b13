"""Settings shared by every service; each service subclasses `ServiceSettings` once."""

from pathlib import Path

from pydantic import model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

LOCAL_POSTGRES = "127.0.0.1:55432"


def local_database_url(service: str) -> str:
    """The service's database in the local stack, as `greenmarket up` creates it (dev credentials)."""
    name = f"greenmarket_{service}"
    return f"postgresql+asyncpg://{name}:{name}@{LOCAL_POSTGRES}/{name}"


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    service_name: str = "greenmarket"
    # Unset: the service's own database in the local stack, as `greenmarket up` creates it, so that
    # `greenmarket users promote …` and friends work on a developer's machine without any setup.
    database_url: str = ""
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    # Put in front of every topic name; tests use it to give each test its own topics.
    topic_prefix: str = ""
    redis_url: str = "redis://127.0.0.1:56379/0"
    jwks_url: str = "http://127.0.0.1:8001/api/user/.well-known/jwks.json"
    media_root: Path = Path(".greenmarket/media")
    media_url_prefix: str = "/media"
    log_level: str = "INFO"
    # Where background processes (relays, workers, Faust agents) serve /healthz, /readyz and
    # /metrics. Loopback on a developer's machine; containers set 0.0.0.0 so that Prometheus
    # can scrape them and Kubernetes can probe them.
    probe_host: str = "127.0.0.1"
    # How often a poison record is retried before it goes to <topic>.dlq.
    consumer_max_attempts: int = 3

    @model_validator(mode="after")
    def _local_database_by_default(self):
        if not self.database_url:
            self.database_url = local_database_url(self.service_name)
        return self
