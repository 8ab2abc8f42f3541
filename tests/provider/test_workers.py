"""Several Granian workers on one PostgreSQL store: a key minted on one worker works at once on
every other (the in-memory directory is read through on a miss), and records land once."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.conftest import ADMIN_TOKEN
from tests.support.server import TwinServer, run_twin
from tests.support.tenants import create_tenant

from .helpers import V2026, hello, request_events

pytestmark = [pytest.mark.postgres, pytest.mark.slow]


@pytest.fixture(scope="module")
def two_workers(session_postgres_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwinServer]:
    # Known issue (projections/runner.py): two workers creating the view tables of a brand-new
    # schema at the same moment race (UniqueViolation on CREATE TABLE IF NOT EXISTS); one worker
    # sets the schema up first.
    with run_twin(session_postgres_url, tmp_path_factory.mktemp("setup")):
        pass
    with run_twin(
        session_postgres_url, tmp_path_factory.mktemp("workers"), workers=2, admin_token=ADMIN_TOKEN
    ) as server:
        yield server


def test_a_fresh_key_works_at_once_on_every_worker(two_workers: TwinServer) -> None:
    def first_call(_: int) -> tuple[int, str]:
        # a new connection per call, so that calls spread over the workers
        key = create_tenant(two_workers.base_url).mint_key()
        response = httpx.post(
            f"{two_workers.base_url}/v1/messages",
            json=hello(),
            headers={"x-api-key": key, "anthropic-version": V2026},
            timeout=60,
        )
        return response.status_code, response.headers["request-id"]

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(first_call, range(12)))
    assert [status for status, _ in results] == [200] * 12
    for _, request_id in results[:3]:
        ((event, _),) = request_events(two_workers, request_id)
        assert event.type == "message.created"


def test_logs_of_the_workers(two_workers: TwinServer) -> None:
    assert "Traceback" not in two_workers.log()
