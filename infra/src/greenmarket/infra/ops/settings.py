"""Settings of the `ops` process (environment variables, as every service)."""

from greenmarket.infra.settings import ServiceSettings


class OpsSettings(ServiceSettings):
    service_name: str = "ops"
    # Seconds between two polls of the broker. Window of 10 samples × 3 s = a 30 s evaluation window:
    # a stopped worker shows STOP/STALL within about 30 s and OK as soon as it has caught up.
    lag_poll_interval: float = 3.0
    lag_window_size: int = 10
    # Watch only consumer groups whose name starts with this (empty: every group).
    lag_group_prefix: str = ""
    # How many of the newest records of each DLQ `GET /api/ops/dlq` shows.
    dlq_preview: int = 5
    # Service databases in which a DLQ redrive releases the dead-lettered event's processed_events
    # claim (JSON list of URLs); `greenmarket up` passes every service's database.
    dlq_database_urls: list[str] = []
