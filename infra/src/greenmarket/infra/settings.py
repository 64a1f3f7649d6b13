"""Settings shared by every service; each service subclasses `ServiceSettings` once."""

from pathlib import Path

from pydantic_settings import BaseSettings, SettingsConfigDict


class ServiceSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    service_name: str = "greenmarket"
    database_url: str = "postgresql+asyncpg://greenmarket:greenmarket@127.0.0.1:55432/greenmarket"
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
