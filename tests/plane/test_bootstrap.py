"""Bootstrap over HTTP: create a tenant, mint, list and revoke keys; auth and error envelopes."""

from __future__ import annotations

import httpx
import pytest

from tests.conftest import ADMIN_TOKEN
from tests.support.server import TwinServer
from tests.support.tenants import create_tenant


def test_tenant_creation_shows_the_secret_once(twin: TwinServer) -> None:
    response = httpx.post(f"{twin.base_url}/_twin/tenants", json={"friendly_name": "acme"})
    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"tenant_id", "tenant_secret", "friendly_name", "created_at"}
    assert body["friendly_name"] == "acme"
    assert len(body["tenant_secret"]) >= 32
    assert body["created_at"].endswith("Z")
    assert response.headers["request-id"].startswith("req_")


def test_tenant_creation_without_a_body_is_fine(twin: TwinServer) -> None:
    response = httpx.post(f"{twin.base_url}/_twin/tenants")
    assert response.status_code == 201
    assert response.json()["friendly_name"] == ""


def test_minted_key_is_listed_masked_and_revocable(twin: TwinServer) -> None:
    tenant = create_tenant(twin.base_url)
    account = tenant.mint_account("ci")
    assert account["api_key"].startswith("sk-ant-twin01-")
    assert account["tenant_id"] == tenant.tenant_id
    listed = tenant.get("/_twin/accounts").json()["accounts"]
    assert [a["api_key_id"] for a in listed] == [account["api_key_id"]]
    assert account["api_key"] not in str(listed)
    assert listed[0]["key_hint"].endswith(account["api_key"][-4:])
    revoked = httpx.delete(f"{twin.base_url}/_twin/accounts/{account['api_key_id']}", auth=tenant.basic)
    assert revoked.status_code == 200
    assert revoked.json()["status"] == "revoked"
    assert tenant.get("/_twin/accounts").json()["accounts"][0]["status"] == "revoked"


def test_tenants_cannot_touch_each_others_keys(twin: TwinServer) -> None:
    alice, bob = create_tenant(twin.base_url), create_tenant(twin.base_url)
    account = alice.mint_account()
    assert bob.get("/_twin/accounts").json()["accounts"] == []
    response = httpx.delete(f"{twin.base_url}/_twin/accounts/{account['api_key_id']}", auth=bob.basic)
    assert response.status_code == 404
    mixed = httpx.get(f"{twin.base_url}/_twin/accounts", auth=(bob.tenant_id, alice.secret))
    assert mixed.status_code == 401
    assert mixed.json() == {"error": "invalid tenant credentials"}


def test_admin_sees_every_tenants_keys(twin: TwinServer) -> None:
    tenant = create_tenant(twin.base_url)
    account = tenant.mint_account()
    for headers in ({"authorization": f"Bearer {ADMIN_TOKEN}"}, {"x-twin-admin-token": ADMIN_TOKEN}):
        listed = httpx.get(f"{twin.base_url}/_twin/accounts", headers=headers).json()["accounts"]
        assert account["api_key_id"] in {a["api_key_id"] for a in listed}
    wrong = httpx.get(f"{twin.base_url}/_twin/accounts", headers={"x-twin-admin-token": "nope"})
    assert wrong.status_code == 401


def test_local_default_tenant_exists_without_creation(twin: TwinServer) -> None:
    response = httpx.post(f"{twin.base_url}/_twin/accounts", auth=("default", ""), json={"kind": "api_key"})
    assert response.status_code == 201
    assert response.json()["tenant_id"] == "default"


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        (b"{", 400, "malformed JSON"),
        (b"[]", 400, "invalid request body"),
        (b'{"kind": "oauth"}', 400, "invalid request body"),
        (b'{"kind": "api_key", "friendly_name": 7}', 400, "Expected `str"),
        (b'{"kind": "api_key", "friendly_name": "' + b"x" * 300 + b'"}', 400, "length"),
        (b'{"kind": "api_key", "color": "red"}', 400, "unknown field"),
        (b"", 400, "JSON object"),
        (b'{"kind": "api_key", "friendly_name": "' + b"x" * (2 * 1024 * 1024) + b'"}', 413, "too large"),
    ],
)
def test_bad_account_bodies_get_the_plane_envelope(twin: TwinServer, body: bytes, status: int, fragment: str) -> None:
    tenant = create_tenant(twin.base_url)
    response = httpx.post(
        f"{twin.base_url}/_twin/accounts", auth=tenant.basic, content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == status, response.text
    assert set(response.json()) == {"error"}
    assert fragment.lower() in response.json()["error"].lower()


@pytest.mark.parametrize(
    ("auth", "headers"),
    [
        (None, {}),
        (None, {"authorization": "Basic !!!"}),
        (None, {"authorization": "Digest abc"}),
        (("no-such-tenant", "secret"), {}),
    ],
)
def test_missing_or_bad_tenant_auth_is_401(
    twin: TwinServer, auth: tuple[str, str] | None, headers: dict[str, str]
) -> None:
    response = httpx.post(f"{twin.base_url}/_twin/accounts", auth=auth, headers=headers, json={"kind": "api_key"})
    assert response.status_code == 401
    assert set(response.json()) == {"error"}


def test_unknown_plane_paths_and_methods_use_the_envelope(twin: TwinServer) -> None:
    missing = httpx.get(f"{twin.base_url}/_twin/nothing-here")
    assert missing.status_code == 404
    assert set(missing.json()) == {"error"}
    wrong_method = httpx.put(f"{twin.base_url}/_twin/tenants")
    assert wrong_method.status_code == 405
    assert set(wrong_method.json()) == {"error"}
