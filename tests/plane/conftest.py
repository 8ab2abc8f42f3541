"""The plane tests run against three deployments: SQLite, PostgreSQL, and 2 Granian workers on
PostgreSQL (where consecutive requests on fresh connections land on either worker)."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from tests.conftest import ADMIN_TOKEN, require_postgres
from tests.support.postgres import drop_schema, new_schema_name, with_schema
from tests.support.server import TwinServer, run_twin

DEPLOYMENTS = ["sqlite", "postgres", "postgres-2workers"]


@pytest.fixture(scope="session", params=DEPLOYMENTS)
def twin(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwinServer]:
    """A running twin (admin token set), once per deployment, shared by the session's plane tests."""
    directory = tmp_path_factory.mktemp(f"plane-{request.param}")
    if request.param == "sqlite":
        with run_twin(f"sqlite:///{directory / 'twin.db'}", directory, admin_token=ADMIN_TOKEN) as server:
            yield server
    elif request.param == "postgres":
        url = request.getfixturevalue("session_postgres_url")
        with run_twin(url, directory, admin_token=ADMIN_TOKEN) as server:
            yield server
    else:  # a fresh schema: both workers start on an empty database at the same moment
        dsn = require_postgres(request.getfixturevalue("postgres_server"))
        schema = new_schema_name()
        try:
            with run_twin(with_schema(dsn, schema), directory, admin_token=ADMIN_TOKEN, workers=2) as server:
                yield server
        finally:
            asyncio.run(drop_schema(dsn, schema))
