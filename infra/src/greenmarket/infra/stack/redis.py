"""Redis: the server at GREENMARKET_REDIS_URL if it answers, else a private redis-server without persistence."""

from __future__ import annotations

import logging
import subprocess
from pathlib import Path

from greenmarket.infra.stack.component import Component
from greenmarket.infra.stack.config import host_port
from greenmarket.infra.stack.process import port_open, start_detached
from greenmarket.infra.stack.system import require_binary

log = logging.getLogger(__name__)


class Redis(Component):
    name = "redis"
    stop_grace = 10.0
    startup_timeout = 30.0

    _external: bool | None = None

    @property
    def home(self) -> Path:
        return self.config.state_dir / "redis"

    @property
    def marker(self) -> str:
        return "redis-server"  # redis rewrites its command line, so only the program name is stable

    @property
    def uses_external(self) -> bool:
        if self._external is None:
            url = self.config.external_redis_url
            self._external = bool(url) and redis_answers(url)
            if url and not self._external:
                log.warning("GREENMARKET_REDIS_URL does not answer; using a private redis-server instead")
        return self._external

    def address(self) -> str:
        return self.config.external_redis_url if self.uses_external else self.config.private_redis_url  # type: ignore[return-value]

    def port_in_use(self) -> bool:
        return port_open("127.0.0.1", self.config.redis_port)

    def probe(self) -> bool:
        return redis_answers(self.address())

    def install(self) -> None:
        if not self.uses_external:
            require_binary("redis-server", "redis-server")

    def launch(self) -> subprocess.Popen[bytes]:
        server = require_binary("redis-server", "redis-server")
        self.home.mkdir(parents=True, exist_ok=True)
        argv = [
            server, "--bind", "127.0.0.1", "--port", str(self.config.redis_port),
            "--save", "", "--appendonly", "no", "--daemonize", "no", "--protected-mode", "yes",
            "--dir", str(self.home), "--logfile", "", "--maxclients", "10000",
        ]  # fmt: skip
        return start_detached(argv, self.log_file, cwd=self.home)


def redis_answers(url: str, timeout: float = 2.0) -> bool:
    host, port = host_port(url, 6379)
    if not port_open(host, port):
        return False
    import redis

    client = redis.Redis.from_url(url, socket_timeout=timeout, socket_connect_timeout=timeout)
    try:
        return bool(client.ping())
    except redis.RedisError:
        return False
    finally:
        client.close()
