"""The chat service's one settings object (environment variables, see docs/chat-service.md)."""

from greenmarket.infra.settings import ServiceSettings


class ChatSettings(ServiceSettings):
    service_name: str = "chat"
    # Messages one user may send per window, over all their sockets and all chat processes.
    rate_limit_messages: int = 20
    rate_limit_window_seconds: int = 10
    # Redis pub/sub channel shared by every chat process (and the workers that emit to clients).
    # The topic prefix is put in front so that test runs sharing one Redis never see each other.
    socketio_channel: str = "greenmarket-chat"
    # None = same-origin only (the gateway serves the web app and /ws/chat from one origin).
    cors_allowed_origins: list[str] | None = None
    # Upper bound of one `sync` answer; the client asks again from the last seq it got.
    sync_max_items: int = 500
    # /healthz, /readyz, /metrics of the background processes.
    worker_probe_port: int | None = 9032
    agents_probe_port: int | None = 9033

    @property
    def pubsub_channel(self) -> str:
        return f"{self.topic_prefix}{self.socketio_channel}"

    @property
    def redis_key_prefix(self) -> str:
        return f"{self.topic_prefix}chat:"
