"""Finding the server binaries on this machine and installing Debian packages when they are missing."""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
from pathlib import Path

from greenmarket.infra.stack.process import StackError

_apt_updated = False


def apt_install(*packages: str) -> None:
    """`apt-get install -y` (after one `apt-get update` per process); needs root or passwordless sudo."""
    global _apt_updated
    if shutil.which("apt-get") is None:
        raise StackError(f"cannot install {', '.join(packages)}: this is not a Debian-like machine (no apt-get)")
    prefix: list[str] = []
    if os.geteuid() != 0:
        if shutil.which("sudo") is None:
            raise StackError(f"{', '.join(packages)} missing; install as root: apt-get install -y {' '.join(packages)}")
        prefix = ["sudo", "-n"]
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    steps = [] if _apt_updated else [[*prefix, "apt-get", "update", "-qq"]]
    steps.append([*prefix, "apt-get", "install", "-y", "-qq", "--no-install-recommends", *packages])
    for argv in steps:
        proc = subprocess.run(
            argv, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=900, check=False
        )
        if proc.returncode != 0:
            raise StackError(
                f"`{' '.join(argv)}` failed (exit {proc.returncode}):\n{proc.stdout[-2000:]}{proc.stderr[-2000:]}"
            )
        if "update" in argv:
            _apt_updated = True


def require_binary(name: str, package: str) -> str:
    """Path of `name` on PATH or in /usr/sbin, installing `package` first when absent."""
    found = _which(name)
    if found is None:
        apt_install(package)
        found = _which(name)
    if found is None:
        raise StackError(f"installed {package} but still cannot find {name}")
    return found


def _which(name: str) -> str | None:
    return shutil.which(name) or shutil.which(name, path="/usr/sbin:/usr/bin:/sbin:/bin:/usr/local/bin")


def postgres_bindir() -> Path:
    """The newest Debian PostgreSQL server bin dir, installing `postgresql` when there is none."""
    found = _postgres_bindirs()
    if not found:
        apt_install("postgresql")
        found = _postgres_bindirs()
    if not found:
        raise StackError("installed postgresql but found no /usr/lib/postgresql/<version>/bin/postgres")
    return found[-1]


def _postgres_bindirs() -> list[Path]:
    dirs = [p.parent for p in Path("/usr/lib/postgresql").glob("*/bin/postgres")]
    if not dirs and (initdb := shutil.which("initdb")):
        dirs = [Path(initdb).resolve().parent]
    return sorted((d for d in dirs if (d / "initdb").exists()), key=lambda d: _version_key(d.parent.name))


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(x) for x in name.split(".") if x.isdigit()) or (0,)


def postgres_os_user() -> str | None:
    """PostgreSQL refuses to run as root: as root we run it as the `postgres` user (created if absent)."""
    if os.geteuid() != 0:
        return None
    try:
        pwd.getpwnam("postgres")
    except KeyError:
        subprocess.run(
            [
                _which("useradd") or "/usr/sbin/useradd",
                "--system",
                "--home-dir",
                "/var/lib/postgresql",
                "--shell",
                "/bin/bash",
                "postgres",
            ],
            check=True,
            capture_output=True,
        )
    return "postgres"


def user_can_reach(user: str, path: Path) -> bool:
    """Whether `user` can traverse every directory down to `path` (e.g. a clone under /root cannot)."""
    entry = pwd.getpwnam(user)
    test = _which("test") or "/usr/bin/test"
    proc = subprocess.run(
        [test, "-x", str(path)],
        user=entry.pw_uid,
        group=entry.pw_gid,
        extra_groups=[],
        capture_output=True,
        check=False,
    )
    return proc.returncode == 0


def chown_tree(path: Path, user: str) -> None:
    entry = pwd.getpwnam(user)
    for root, _dirs, files in os.walk(path):
        os.chown(root, entry.pw_uid, entry.pw_gid)
        for name in files:
            os.chown(os.path.join(root, name), entry.pw_uid, entry.pw_gid)
    os.chown(path, entry.pw_uid, entry.pw_gid)
