"""Deployment modes: hosted (no `default` tenant) and admin disabled (no admin token configured)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.server import TwinServer, run_twin
from tests.support.tenants import create_tenant

READS = ["/_twin/accounts", "/_twin/messages", "/_twin/logs", "/_twin/feedback", "/_twin/events", "/_twin/tenants"]


@pytest.fixture(scope="module")
def hosted(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwinServer]:
    directory: Path = tmp_path_factory.mktemp("hosted")
    with run_twin(f"sqlite:///{directory / 'twin.db'}", directory, admin_token="hosted-admin", hosted=True) as server:
        yield server


@pytest.fixture(scope="module")
def no_admin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TwinServer]:
    directory: Path = tmp_path_factory.mktemp("no-admin")
    with run_twin(f"sqlite:///{directory / 'twin.db'}", directory, admin_token="") as server:
        yield server


@pytest.mark.parametrize("path", READS)
def test_hosted_twin_refuses_the_default_tenant(hosted: TwinServer, path: str) -> None:
    response = httpx.get(f"{hosted.base_url}{path}", auth=("default", ""))
    assert response.status_code == 403
    assert "default" in response.json()["error"]


def test_hosted_twin_refuses_default_writes_but_serves_real_tenants(hosted: TwinServer) -> None:
    for path, body in (("/_twin/accounts", {"kind": "api_key"}), ("/_twin/feedback", {"body": "hi"})):
        refused = httpx.post(f"{hosted.base_url}{path}", auth=("default", "anything"), json=body)
        assert refused.status_code == 403, refused.text
        assert set(refused.json()) == {"error"}
    tenant = create_tenant(hosted.base_url)
    tenant.mint_key()
    assert tenant.get("/_twin/logs").status_code == 200
    listing = tenant.get("/_twin/tenants").json()
    assert listing["implicit_default"] is False
    assert "Local twin" not in httpx.get(f"{hosted.base_url}/_twin/agent-instructions").text


def test_local_default_tenant_has_its_own_views(twin: TwinServer) -> None:
    minted = httpx.post(f"{twin.base_url}/_twin/accounts", auth=("default", ""), json={"kind": "api_key"})
    assert minted.status_code == 201
    logs = httpx.get(f"{twin.base_url}/_twin/logs", auth=("default", "")).json()["logs"]
    assert logs
    assert {item["tenant_id"] for item in logs} == {"default"}
    assert httpx.get(f"{twin.base_url}/_twin/tenants", auth=("default", "")).json()["implicit_default"] is True


@pytest.mark.parametrize("path", READS)
@pytest.mark.parametrize("header", ["authorization", "x-twin-admin-token"])
def test_without_an_admin_token_admin_is_off(no_admin: TwinServer, path: str, header: str) -> None:
    value = "Bearer " if header == "authorization" else ""
    for token in ("anything", "test-admin-token-0123456789"):
        response = httpx.get(f"{no_admin.base_url}{path}", headers={header: value + token})
        assert response.status_code == 401, response.text
        assert set(response.json()) == {"error"}
    tenant = create_tenant(no_admin.base_url)
    assert tenant.get(path).status_code == 200


def test_without_an_admin_token_nobody_revokes_as_admin(no_admin: TwinServer) -> None:
    tenant = create_tenant(no_admin.base_url)
    account = tenant.mint_account()
    response = httpx.delete(
        f"{no_admin.base_url}/_twin/accounts/{account['api_key_id']}", headers={"authorization": "Bearer x"}
    )
    assert response.status_code == 401
    assert "disabled" in response.json()["error"]
    assert tenant.get("/_twin/accounts").json()["accounts"][0]["status"] == "active"
