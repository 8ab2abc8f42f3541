"""Find a PostgreSQL server for the tests, in the order the developers' guide gives.

1. `TWIN_TEST_POSTGRES_DSN`, if set;
2. the server on 127.0.0.1:5432 (user postgres, database test), if it answers;
3. a throwaway cluster made with `initdb`/`pg_ctl`, if they are installed;
4. none: PostgreSQL tests skip with the reason, or fail if `TWIN_REQUIRE_POSTGRES=1`.

Each test gets its own schema (`?schema=t_<hex>`), dropped afterwards, so tests never see each
other's data and can run against a shared database.
"""

from __future__ import annotations

import asyncio
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg

LOCAL_DSN = "postgresql://postgres@127.0.0.1:5432/test"


@dataclass
class PostgresServer:
    dsn: str | None
    reason: str
    _cluster_dir: Path | None = None
    _run_as: list[str] = field(default_factory=list)

    def stop(self) -> None:
        if self._cluster_dir is not None:
            subprocess.run(
                [*self._run_as, _tool("pg_ctl"), "-D", str(self._cluster_dir / "data"), "-m", "immediate", "stop"],
                capture_output=True,
                check=False,
            )
            shutil.rmtree(self._cluster_dir, ignore_errors=True)


def _answers(dsn: str) -> bool:
    async def probe() -> bool:
        try:
            connection = await asyncpg.connect(dsn, timeout=3)
        except Exception:
            return False
        await connection.close()
        return True

    return asyncio.run(probe())


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found:
        return found
    for candidate in sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True):
        return str(candidate)
    return name


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _throwaway_cluster() -> PostgresServer:
    if not shutil.which(_tool("initdb")) or not shutil.which(_tool("pg_ctl")):
        return PostgresServer(None, "no PostgreSQL server answered and initdb/pg_ctl are not installed")
    run_as: list[str] = []
    owner: int | None = None
    if os.geteuid() == 0:  # initdb refuses to run as root
        try:
            owner = pwd.getpwnam("postgres").pw_uid
        except KeyError:
            return PostgresServer(None, "running as root and there is no 'postgres' user for initdb")
        run_as = ["runuser", "-u", "postgres", "--"]
    directory = Path(tempfile.mkdtemp(prefix="twin-pg-"))
    if owner is not None:
        os.chown(directory, owner, -1)
    port = _free_port()
    data = directory / "data"
    steps = [
        [*run_as, _tool("initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"],
        [
            *run_as,
            _tool("pg_ctl"),
            "-D",
            str(data),
            "-l",
            str(directory / "log"),
            "-w",
            "-o",
            f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=on",
            "start",
        ],
    ]
    for step in steps:
        result = subprocess.run(step, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            shutil.rmtree(directory, ignore_errors=True)
            return PostgresServer(None, f"throwaway cluster failed: {' '.join(step[:3])}: {result.stderr[-300:]}")
    dsn = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    return PostgresServer(dsn, f"throwaway cluster on port {port}", directory, run_as)


def find_postgres() -> PostgresServer:
    explicit = os.environ.get("TWIN_TEST_POSTGRES_DSN")
    if explicit:
        if _answers(explicit):
            return PostgresServer(explicit, "TWIN_TEST_POSTGRES_DSN")
        return PostgresServer(None, "TWIN_TEST_POSTGRES_DSN is set but the server does not answer")
    if os.environ.get("TWIN_TEST_POSTGRES_NO_LOCAL") != "1" and _answers(LOCAL_DSN):
        return PostgresServer(LOCAL_DSN, "local server on 127.0.0.1:5432")
    return _throwaway_cluster()


def new_schema_name() -> str:
    return f"t_{uuid.uuid4().hex[:16]}"


def with_schema(dsn: str, schema: str) -> str:
    separator = "&" if "?" in dsn else "?"
    return f"{dsn}{separator}schema={schema}"


async def drop_schema(dsn: str, schema: str) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        await connection.close()
