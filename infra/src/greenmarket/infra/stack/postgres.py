"""PostgreSQL: the server at GREENMARKET_PG_ADMIN_DSN if it answers, else a private dev cluster (initdb).

The private cluster trades durability for speed (fsync, synchronous_commit and full_page_writes
off): a crash of the machine can lose or corrupt it. It holds throwaway development data only.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import os
import pwd
import re
import shutil
import signal
import subprocess
from pathlib import Path
from urllib.parse import quote, urlsplit, urlunsplit

from greenmarket.infra.stack.component import Component
from greenmarket.infra.stack.config import PRIVATE_PG_PASSWORD, PRIVATE_PG_USER
from greenmarket.infra.stack.process import (
    StackError,
    port_open,
    run_async,
    start_detached,
)
from greenmarket.infra.stack.system import (
    chown_tree,
    postgres_bindir,
    postgres_os_user,
    user_can_reach,
)

log = logging.getLogger(__name__)

SERVER_SETTINGS = {
    "listen_addresses": "127.0.0.1",
    "max_connections": "300",
    "shared_buffers": "128MB",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "max_wal_size": "1GB",
}

_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class Postgres(Component):
    name = "postgres"
    stop_signal = signal.SIGINT  # "fast" shutdown: do not wait for clients to disconnect
    stop_grace = 20.0
    startup_timeout = 60.0

    _external: bool | None = None

    @functools.cached_property
    def base_dir(self) -> Path:
        """Under the state dir, unless the `postgres` OS user cannot reach it (a clone under /root)."""
        preferred = self.config.state_dir / "postgres"
        user = postgres_os_user()
        if user is None:
            return preferred
        self.config.state_dir.mkdir(parents=True, exist_ok=True)
        if user_can_reach(user, self.config.state_dir):
            return preferred
        digest = hashlib.sha1(str(self.config.state_dir).encode()).hexdigest()[:10]
        return Path("/var/lib/postgresql/greenmarket") / digest

    @property
    def data_dir(self) -> Path:
        return self.base_dir / "data"

    @property
    def marker(self) -> str:
        return str(self.data_dir)

    @property
    def uses_external(self) -> bool:
        if self._external is None:
            dsn = self.config.external_pg_dsn
            self._external = bool(dsn) and pg_answers(dsn)
            if dsn and not self._external:
                log.warning("GREENMARKET_PG_ADMIN_DSN does not answer; using a private cluster instead")
        return self._external

    def address(self) -> str:
        return self.config.external_pg_dsn if self.uses_external else self.config.private_pg_dsn  # type: ignore[return-value]

    def port_in_use(self) -> bool:
        return port_open("127.0.0.1", self.config.pg_port)

    def probe(self) -> bool:
        return pg_answers(self.address())

    def install(self) -> None:
        if not self.uses_external:
            postgres_bindir()

    def launch(self) -> subprocess.Popen[bytes]:
        bindir = postgres_bindir()
        user = postgres_os_user()
        base, data = self.base_dir, self.data_dir
        socket_dir = base / "run"
        socket_dir.mkdir(parents=True, exist_ok=True)
        if user:
            chown_tree(socket_dir, user)
            owner = pwd.getpwnam(user)
            os.chown(base, owner.pw_uid, owner.pw_gid)
        if not (data / "PG_VERSION").exists():
            self._initdb(bindir, base, data, user)
        argv = [str(bindir / "postgres"), "-D", str(data), "-c", f"port={self.config.pg_port}"]
        argv += ["-c", f"unix_socket_directories={socket_dir}"]
        for key, value in SERVER_SETTINGS.items():
            argv += ["-c", f"{key}={value}"]
        return start_detached(argv, self.log_file, cwd=base, user=user)

    def _initdb(self, bindir: Path, base: Path, data: Path, user: str | None) -> None:
        shutil.rmtree(data, ignore_errors=True)
        pwfile = base / ".pwfile"
        pwfile.write_text(PRIVATE_PG_PASSWORD + "\n", encoding="utf-8")
        if user:
            chown_tree(pwfile, user)
        argv = [
            str(bindir / "initdb"), "-D", str(data), "-U", PRIVATE_PG_USER, f"--pwfile={pwfile}",
            "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--no-locale", "--no-sync",
        ]  # fmt: skip
        try:
            proc = subprocess.run(
                argv,
                cwd=base,
                user=user,
                capture_output=True,
                text=True,
                timeout=180,
                stdin=subprocess.DEVNULL,
                check=False,
            )
        finally:
            pwfile.unlink(missing_ok=True)
        if proc.returncode != 0:
            raise StackError(f"initdb failed:\n{(proc.stdout + proc.stderr)[-3000:]}")


def pg_answers(dsn: str, timeout: float = 3.0) -> bool:
    parts = urlsplit(dsn)
    if not port_open(parts.hostname or "127.0.0.1", parts.port or 5432):
        return False

    async def select_one() -> bool:
        import asyncpg

        try:
            conn = await asyncpg.connect(dsn, timeout=timeout)
        except Exception:  # noqa: BLE001 - starting up, wrong password, ...: not answering for us
            return False
        try:
            return await asyncio.wait_for(conn.fetchval("SELECT 1"), timeout) == 1
        except Exception:  # noqa: BLE001
            return False
        finally:
            await conn.close()

    return run_async(select_one)


# Databases -------------------------------------------------------------------------------------


def database_dsn(admin_dsn: str, database: str, *, user: str | None = None, password: str | None = None) -> str:
    """A `postgresql+asyncpg://` URL for `database` on the admin DSN's server (admin credentials by default)."""
    parts = urlsplit(admin_dsn)
    user = user if user is not None else (parts.username or "")
    password = password if password is not None else (parts.password or "")
    credentials = quote(user, safe="") + (f":{quote(password, safe='')}" if password else "")
    netloc = f"{credentials}@{parts.hostname}" if credentials else str(parts.hostname)
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit(("postgresql+asyncpg", netloc, "/" + database, parts.query, ""))


def check_identifier(name: str) -> str:
    if not _IDENTIFIER.match(name):
        raise ValueError(f"{name!r} is not a plain lower-case PostgreSQL identifier")
    return name


async def ensure_database_async(admin_dsn: str, name: str) -> str:
    """Create role `name` (password `name`, dev only) and database `name` owned by it, if missing.

    Returns the database's `postgresql+asyncpg://` URL with that role's credentials.
    """
    import asyncpg

    check_identifier(name)
    conn = await asyncpg.connect(admin_dsn, timeout=10)
    try:
        if not await conn.fetchval("SELECT 1 FROM pg_roles WHERE rolname = $1", name):
            try:
                await conn.execute(f"CREATE ROLE \"{name}\" LOGIN PASSWORD '{name}'")
            except asyncpg.DuplicateObjectError:
                pass  # created concurrently
        if not await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
            try:
                await conn.execute(f'CREATE DATABASE "{name}" OWNER "{name}"')
            except asyncpg.DuplicateDatabaseError:
                pass
    finally:
        await conn.close()
    return database_dsn(admin_dsn, name, user=name, password=name)


def ensure_database(admin_dsn: str, name: str) -> str:
    """Synchronous `ensure_database_async` (usable from sync code, even inside a running event loop)."""
    return run_async(lambda: ensure_database_async(admin_dsn, name))


async def create_database_async(admin_dsn: str, name: str) -> str:
    """Create database `name` owned by the admin role; returns its URL with the admin credentials."""
    import asyncpg

    check_identifier(name)
    conn = await asyncpg.connect(admin_dsn, timeout=10)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return database_dsn(admin_dsn, name)


async def drop_database_async(admin_dsn: str, name: str) -> None:
    """Drop database `name`, terminating its connections first."""
    import asyncpg

    check_identifier(name)
    conn = await asyncpg.connect(admin_dsn, timeout=10)
    try:
        await conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            name,
        )
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()
