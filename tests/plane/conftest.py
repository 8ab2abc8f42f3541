"""The plane tests run against three deployments: SQLite, PostgreSQL, and 2 Granian workers on
PostgreSQL (where consecutive requests on fresh connections land on either worker)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import ADMIN_TOKEN
from tests.support.server import TwinServer, run_twin

DEPLOYMENTS = ["sqlite", "postgres", "postgres-2workers"]


@pytest.fixture(scope="session", params=DEPLOYMENTS)
def twin(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwinServer]:
    """A running twin (admin token set), once per deployment, shared by the session's plane tests."""
    directory = tmp_path_factory.mktemp(f"plane-{request.param}")
    if request.param == "sqlite":
        url, workers = f"sqlite:///{directory / 'twin.db'}", 1
    else:
        url = request.getfixturevalue("session_postgres_url")
        workers = 2 if request.param == "postgres-2workers" else 1
    with run_twin(url, directory, admin_token=ADMIN_TOKEN, workers=workers) as server:
        yield server
