"""Bad input anywhere on the plane is a clear 4xx in the `{"error"}` envelope, never a 500."""

from __future__ import annotations

import httpx
import pytest

from tests.support.server import TwinServer
from tests.support.tenants import create_tenant


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        (b"{", 400, "malformed JSON"),
        (b'"name"', 400, "invalid request body"),
        (b'{"friendly_name": 7}', 400, "Expected `str"),
        (b'{"friendly_name": "' + b"x" * 257 + b'"}', 400, "length"),
        (b'{"friendly_name": "ok", "plan": "pro"}', 400, "unknown field"),
        (b'{"friendly_name": "' + b"x" * (1024 * 1024 + 1) + b'"}', 413, "too large"),
        (b"\xff\xfe", 400, "malformed JSON"),
        (b'{"friendly_name": "a\\u0000b"}', 400, "regex"),
    ],
)
def test_bad_tenant_bodies(twin: TwinServer, body: bytes, status: int, fragment: str) -> None:
    response = httpx.post(f"{twin.base_url}/_twin/tenants", content=body, headers={"content-type": "application/json"})
    assert response.status_code == status, response.text
    assert set(response.json()) == {"error"}
    assert fragment.lower() in response.json()["error"].lower()


def test_unknown_ids_are_404(twin: TwinServer) -> None:
    tenant = create_tenant(twin.base_url)
    for method, path in (
        ("DELETE", "/_twin/accounts/apikey_nope"),
        ("DELETE", "/_twin/accounts/" + "x" * 5000),
        ("GET", "/_twin/messages/msg_nope"),
        ("GET", "/_twin/messages/" + "y" * 5000),
    ):
        response = httpx.request(method, f"{twin.base_url}{path}", auth=tenant.basic)
        assert response.status_code == 404, (path, response.text)
        assert set(response.json()) == {"error"}
        assert len(response.json()["error"]) < 300


def test_revoking_twice_is_harmless(twin: TwinServer) -> None:
    tenant = create_tenant(twin.base_url)
    account = tenant.mint_account()
    url = f"{twin.base_url}/_twin/accounts/{account['api_key_id']}"
    first = httpx.delete(url, auth=tenant.basic).json()
    second = httpx.delete(url, auth=tenant.basic).json()
    assert first == second
    assert first["status"] == "revoked"
    revocations = tenant.get("/_twin/logs", operation="twin.account.revoke").json()["logs"]
    assert len(revocations) == 1  # the second changed nothing


def test_huge_query_strings_and_headers_are_refused_cleanly(twin: TwinServer) -> None:
    tenant = create_tenant(twin.base_url)
    response = tenant.get("/_twin/logs", operation="x" * 2000)
    assert response.status_code == 400
    basic = httpx.get(f"{twin.base_url}/_twin/logs", auth=("t" * 4000, "s" * 4000))
    assert basic.status_code == 401
    assert set(basic.json()) == {"error"}


def test_nul_characters_are_refused_or_not_found(twin: TwinServer) -> None:
    tenant = create_tenant(twin.base_url)
    for path in ("/_twin/logs", "/_twin/messages"):
        param = "operation" if path == "/_twin/logs" else "model"
        response = httpx.get(f"{twin.base_url}{path}?{param}=a%00b", auth=tenant.basic)
        assert response.status_code == 400, response.text
        assert "NUL" in response.json()["error"]
    assert httpx.get(f"{twin.base_url}/_twin/messages/msg%00x", auth=tenant.basic).status_code == 404
    for path, body in (
        ("/_twin/feedback", b'{"body": "a\\u0000b"}'),
        ("/_twin/accounts", b'{"kind": "api_key", "friendly_name": "\\u0000"}'),
    ):
        response = httpx.post(
            f"{twin.base_url}{path}", auth=tenant.basic, content=body, headers={"content-type": "application/json"}
        )
        assert response.status_code == 400, response.text
    assert tenant.get("/_twin/logs").status_code == 200  # the views still apply after all that
