"""Read your writes across workers on the twin plane: every request below uses a fresh connection,
so with 2 Granian workers both answer some of them, and each must already see the write before it."""

from __future__ import annotations

import httpx

from tests.support.server import TwinServer
from tests.support.tenants import Tenant, create_tenant

FRESH = 16


def _fresh_get(tenant: Tenant, path: str, **params: str | int) -> httpx.Response:
    with httpx.Client(base_url=tenant.base_url, auth=tenant.basic, timeout=30) as client:
        return client.get(path, params=params)


def test_plane_writes_are_seen_at_once_by_every_worker(twin: TwinServer) -> None:
    tenant = create_tenant(twin.base_url)
    assert {_fresh_get(tenant, "/_twin/accounts").status_code for _ in range(FRESH)} == {200}

    account = tenant.mint_account()
    for _ in range(FRESH):
        listed = _fresh_get(tenant, "/_twin/accounts").json()["accounts"]
        assert [(a["api_key_id"], a["status"]) for a in listed] == [(account["api_key_id"], "active")]

    with httpx.Client(base_url=twin.base_url, auth=tenant.basic, timeout=30) as client:
        assert client.delete(f"/_twin/accounts/{account['api_key_id']}").status_code == 200
    for _ in range(FRESH):
        listed = _fresh_get(tenant, "/_twin/accounts").json()["accounts"]
        assert [a["status"] for a in listed] == ["revoked"]

    for i in range(FRESH // 4):
        with httpx.Client(base_url=twin.base_url, auth=tenant.basic, timeout=30) as client:
            posted = client.post("/_twin/feedback", json={"body": f"note {i}"})
        assert posted.status_code == 201
        seen = _fresh_get(tenant, "/_twin/feedback").json()["feedback"]
        assert seen[0]["feedback_id"] == posted.json()["feedback_id"]
        logs = _fresh_get(tenant, "/_twin/logs", correlation_id=posted.headers["request-id"]).json()["logs"]
        assert [item["entry"]["operation"] for item in logs] == ["twin.feedback.create"]
