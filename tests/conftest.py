"""Fixtures shared by the whole suite: the PostgreSQL server and a store URL per backend."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from eventstore import EventStore, open_store
from tests.support.postgres import PostgresServer, drop_schema, find_postgres, new_schema_name, with_schema
from tests.support.server import TwinServer, run_twin

BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    server = find_postgres()
    yield server
    server.stop()


def require_postgres(server: PostgresServer) -> str:
    if server.dsn is None:
        message = f"PostgreSQL unavailable: {server.reason}"
        if os.environ.get("TWIN_REQUIRE_POSTGRES") == "1":
            pytest.fail(f"{message} (TWIN_REQUIRE_POSTGRES=1)")
        pytest.skip(message)
    return server.dsn


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A PostgreSQL store URL with a fresh schema, dropped after the test."""
    dsn = require_postgres(postgres_server)
    schema = new_schema_name()
    yield with_schema(dsn, schema)
    asyncio.run(drop_schema(dsn, schema))


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'twin.db'}"


@pytest.fixture(params=BACKENDS)
def store_url(request: pytest.FixtureRequest) -> str:
    """A fresh store URL, once per backend: the one parametrization every store test uses."""
    fixture = "sqlite_url" if request.param == "sqlite" else "postgres_url"
    url: str = request.getfixturevalue(fixture)
    return url


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[EventStore]:
    opened = await open_store(store_url, poll_interval_ms=50)
    yield opened
    await opened.close()


# ------------------------------------------------------------------------ running twin servers
ADMIN_TOKEN = "test-admin-token-0123456789"


@pytest.fixture(scope="session")
def session_postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """A PostgreSQL store URL (fresh schema) shared by a whole session's servers."""
    dsn = require_postgres(postgres_server)
    schema = new_schema_name()
    yield with_schema(dsn, schema)
    asyncio.run(drop_schema(dsn, schema))


@pytest.fixture(scope="session", params=BACKENDS)
def twin(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwinServer]:
    """A running twin (one worker, admin token set), once per backend, shared by the session."""
    directory = tmp_path_factory.mktemp(f"twin-{request.param}")
    if request.param == "sqlite":
        url = f"sqlite:///{directory / 'twin.db'}"
    else:
        url = request.getfixturevalue("session_postgres_url")
    with run_twin(url, directory, admin_token=ADMIN_TOKEN) as server:
        yield server


@pytest.fixture(scope="session")
def claude_bin() -> Path:
    """Claude Code's `claude` binary (npm, installed once); skips with the reason without node/npm."""
    from tests.support.claude_code import install_claude_code

    return install_claude_code()
