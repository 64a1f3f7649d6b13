"""Build the web app into web/dist (served by the gateway) when its sources changed since the last build."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

from greenmarket.infra.stack.config import StackConfig
from greenmarket.infra.stack.process import StackError, tail

# Outputs, dependencies and test artefacts: changes there do not call for a rebuild.
_IGNORED_DIRS = {"node_modules", "dist", "test-results", "playwright-report", "e2e", ".vite", ".cache", "coverage"}
BUILD_TIMEOUT_S = 1200


def web_fingerprint(web_dir: Path) -> str:
    digest = hashlib.sha256()
    for root, dirs, files in os.walk(web_dir):
        dirs[:] = sorted(d for d in dirs if d not in _IGNORED_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name.startswith("."):  # locks and stamps of build.sh itself
                continue
            path = Path(root, name)
            try:
                stat = path.stat()
            except OSError:
                continue
            digest.update(f"{path.relative_to(web_dir)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def build_web_if_changed(config: StackConfig) -> str:
    """Returns "absent", "unchanged" or "built"; raises StackError with the build log's tail on failure."""
    web_dir = config.repo_root / "web"
    script = web_dir / "build.sh"
    if not script.is_file():
        return "absent"
    stamp = config.state_dir / "web-build.fingerprint"
    fingerprint = web_fingerprint(web_dir)
    built = (web_dir / "dist" / "index.html").is_file()
    if built and stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == fingerprint:
        return "unchanged"
    log_path = config.log_file("web-build")
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with open(log_path, "wb") as log:
        try:
            proc = subprocess.run(
                ["bash", str(script)], cwd=web_dir, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, timeout=BUILD_TIMEOUT_S, check=False)  # fmt: skip
        except subprocess.TimeoutExpired:
            raise StackError(f"web/build.sh ran over {BUILD_TIMEOUT_S}s; log: {log_path}") from None
    if proc.returncode != 0:
        raise StackError(f"web/build.sh failed (exit {proc.returncode}); last lines of {log_path}:\n{tail(log_path)}")
    # fingerprint taken before the build: edits made during the build trigger the next one
    stamp.write_text(fingerprint, encoding="utf-8")
    return "built"
