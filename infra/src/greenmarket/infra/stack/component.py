"""What every stack component (Kafka, PostgreSQL, Redis, nginx) provides to the stack manager."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

from greenmarket.infra.stack.config import StackConfig


class Component:
    name: str = ""
    stop_signal: int = signal.SIGTERM
    stop_grace: float = 15.0
    startup_timeout: float = 60.0

    def __init__(self, config: StackConfig) -> None:
        self.config = config

    @property
    def pid_file(self) -> Path:
        return self.config.run_dir / f"{self.name}.json"

    @property
    def log_file(self) -> Path:
        return self.config.log_file(self.name)

    @property
    def marker(self) -> str:
        """A substring of our process's command line that no other instance shares."""
        raise NotImplementedError

    def address(self) -> str:
        """Where clients reach it (a URL or host:port)."""
        raise NotImplementedError

    def port_in_use(self) -> bool:
        raise NotImplementedError

    def probe(self) -> bool:
        """True if a healthy server answers at `address()` right now (a short, bounded check)."""
        raise NotImplementedError

    def install(self) -> None:
        """Make binaries/jars present (idempotent; may apt-get install or fetch from Maven Central)."""

    def launch(self) -> subprocess.Popen[bytes]:
        """Prepare on-disk state (formatted once) and start the server as a detached process."""
        raise NotImplementedError

    def refresh(self, pid: int) -> None:
        """Called by `up` when our instance already runs: apply changed configuration if it can."""

    def after_ready(self) -> None:
        """Run once the component answers (e.g. declare topics)."""
