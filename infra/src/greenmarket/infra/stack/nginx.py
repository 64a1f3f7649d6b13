"""nginx as the gateway: a config rendered from deploy/nginx/greenmarket.conf.template, run in the foreground."""

from __future__ import annotations

import os
import re
import signal
import subprocess
from pathlib import Path

from greenmarket.infra.stack.component import Component
from greenmarket.infra.stack.config import SERVICE_PORTS, StackConfig
from greenmarket.infra.stack.process import StackError, port_open, start_detached
from greenmarket.infra.stack.system import require_binary

TEMPLATE = Path("deploy/nginx/greenmarket.conf.template")
_PLACEHOLDER = re.compile(r"\{\{([A-Z_]+)\}\}")

# Used when the machine has no /etc/nginx/mime.types (Debian's nginx always ships one).
_FALLBACK_MIME_TYPES = """types {
    text/html html; text/css css; application/javascript js mjs; application/json json;
    image/svg+xml svg; image/png png; image/jpeg jpg jpeg; image/webp webp; image/gif gif;
    image/x-icon ico; font/woff2 woff2; font/woff woff; text/plain txt; application/wasm wasm;
}
"""


def render_nginx_config(config: StackConfig, prefix: Path) -> str:
    template = (config.repo_root / TEMPLATE).read_text(encoding="utf-8")
    mime = Path("/etc/nginx/mime.types")
    if not mime.is_file():
        mime = prefix / "mime.types"
        mime.write_text(_FALLBACK_MIME_TYPES, encoding="utf-8")
    values = {
        # nginx's master runs as root only when we are root; workers then need to read files in
        # a clone that may sit under /root, so they keep root's identity on this loopback-only gateway.
        "USER_DIRECTIVE": "user root root;" if os.geteuid() == 0 else "",
        "PREFIX": str(prefix),
        "ERROR_LOG": str(config.log_file("nginx")),
        "ACCESS_LOG": str(config.log_file("nginx-access")),
        "MIME_TYPES": str(mime),
        "GATEWAY_PORT": str(config.gateway_port),
        "USER_PORT": str(SERVICE_PORTS["user"][0]),
        "PRODUCT_PORT": str(SERVICE_PORTS["product"][0]),
        "CHAT_PORT_A": str(SERVICE_PORTS["chat"][0]),
        "CHAT_PORT_B": str(SERVICE_PORTS["chat"][1]),
        "SAGAS_PORT": str(SERVICE_PORTS["sagas"][0]),
        "OPS_PORT": str(SERVICE_PORTS["ops"][0]),
        "MEDIA_ROOT": str(config.media_root),
        "WEB_DIST": str(config.repo_root / "web" / "dist"),
    }

    def substitute(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in values:
            raise StackError(f"{TEMPLATE}: unknown placeholder {{{{{key}}}}}")
        return values[key]

    return _PLACEHOLDER.sub(substitute, template)


class Nginx(Component):
    name = "nginx"
    stop_grace = 10.0
    startup_timeout = 20.0

    @property
    def prefix(self) -> Path:
        return self.config.state_dir / "nginx"

    @property
    def conf_file(self) -> Path:
        return self.prefix / "nginx.conf"

    @property
    def marker(self) -> str:
        return str(self.conf_file)

    def address(self) -> str:
        return self.config.gateway_url

    def port_in_use(self) -> bool:
        return port_open("127.0.0.1", self.config.gateway_port)

    def probe(self) -> bool:
        return port_open("127.0.0.1", self.config.gateway_port)

    def install(self) -> None:
        require_binary("nginx", "nginx-light")

    def _argv(self) -> list[str]:
        nginx = require_binary("nginx", "nginx-light")
        return [nginx, "-p", str(self.prefix), "-e", str(self.log_file), "-c", str(self.conf_file)]

    def _write_config(self) -> bool:
        """Render the template; True if the file changed. Raises if nginx rejects the result."""
        for sub in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (self.prefix / "tmp" / sub).mkdir(parents=True, exist_ok=True)
        self.config.media_root.mkdir(parents=True, exist_ok=True)
        self.config.log_dir.mkdir(parents=True, exist_ok=True)
        rendered = render_nginx_config(self.config, self.prefix)
        previous = self.conf_file.read_text(encoding="utf-8") if self.conf_file.exists() else None
        if rendered == previous:
            return False
        candidate = self.conf_file.with_suffix(".conf.new")
        candidate.write_text(rendered, encoding="utf-8")
        check = subprocess.run(
            [*self._argv()[:-1], str(candidate), "-t", "-q"], capture_output=True, text=True, timeout=30, check=False
        )
        if check.returncode != 0:
            candidate.unlink(missing_ok=True)
            raise StackError(f"nginx rejects the config rendered from {TEMPLATE}:\n{check.stderr[-3000:]}")
        candidate.replace(self.conf_file)
        return True

    def launch(self) -> subprocess.Popen[bytes]:
        self._write_config()
        return start_detached(self._argv(), self.log_file, cwd=self.prefix)

    def refresh(self, pid: int) -> None:
        if self._write_config():
            os.kill(pid, signal.SIGHUP)  # nginx reloads its config without dropping connections
