"""The tenant clock on the twin plane: advance, read back, refuse bad bodies and strangers."""

from __future__ import annotations

import httpx
import pytest

from tests.support.server import TwinServer
from tests.support.tenants import create_tenant


def test_advance_and_read(twin: TwinServer) -> None:
    tenant = create_tenant(twin.base_url)
    before = tenant.get("/_twin/clock").json()
    assert before["tenant_id"] == tenant.tenant_id
    assert before["offset_ms"] == 0
    moved = httpx.post(f"{twin.base_url}/_twin/clock", auth=tenant.basic, json={"advance_ms": 3_600_000})
    assert moved.status_code == 200, moved.text
    body = moved.json()
    assert body["offset_ms"] == 3_600_000
    assert body["now_us"] >= before["now_us"] + 3_600_000_000
    assert body["now"].endswith("Z")
    again = httpx.post(f"{twin.base_url}/_twin/clock", auth=tenant.basic, json={"advance_ms": 1})
    assert again.json()["offset_ms"] == 3_600_001
    other = create_tenant(twin.base_url)
    assert other.get("/_twin/clock").json()["offset_ms"] == 0


@pytest.mark.parametrize(
    "body", [{"advance_ms": 0}, {"advance_ms": -5}, {"advance_ms": "1"}, {}, {"advance_ms": 10**13}]
)
def test_bad_bodies(twin: TwinServer, body: dict[str, object]) -> None:
    tenant = create_tenant(twin.base_url)
    response = httpx.post(f"{twin.base_url}/_twin/clock", auth=tenant.basic, json=body)
    assert response.status_code == 400
    assert "error" in response.json()


def test_needs_tenant_credentials(twin: TwinServer) -> None:
    response = httpx.post(f"{twin.base_url}/_twin/clock", json={"advance_ms": 5})
    assert response.status_code == 401
    tenant = create_tenant(twin.base_url)
    wrong = httpx.post(f"{twin.base_url}/_twin/clock", auth=(tenant.tenant_id, "nope"), json={"advance_ms": 5})
    assert wrong.status_code == 401
