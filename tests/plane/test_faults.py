"""Scripting failures on the twin plane: replace, read back with uses left, clear, reject bad rules."""

from __future__ import annotations

import httpx
import pytest

from tests.support.server import TwinServer
from tests.support.tenants import create_tenant


def test_a_script_is_stored_shown_and_cleared(twin: TwinServer) -> None:
    tenant = create_tenant(twin.base_url)
    rules = [
        {"error": "overloaded_error", "times": 2, "operations": ["messages.create"], "retry_after": 1},
        {"error": "api_error", "after_events": 3},
    ]
    put = httpx.put(f"{twin.base_url}/_twin/faults", auth=tenant.basic, json={"rules": rules})
    assert put.status_code == 200, put.text
    shown = tenant.get("/_twin/faults").json()
    assert shown["tenant_id"] == tenant.tenant_id
    assert [(r["error"], r["times"], r["remaining"], r["used"]) for r in shown["rules"]] == [
        ("overloaded_error", 2, 2, 0),
        ("api_error", 1, 1, 0),
    ]
    assert all(r["rule_id"].startswith("fault_") for r in shown["rules"])
    cleared = httpx.delete(f"{twin.base_url}/_twin/faults", auth=tenant.basic)
    assert cleared.json()["rules"] == []
    assert tenant.get("/_twin/faults").json()["rules"] == []


def test_scripts_are_per_tenant(twin: TwinServer) -> None:
    alice, bob = create_tenant(twin.base_url), create_tenant(twin.base_url)
    httpx.put(f"{twin.base_url}/_twin/faults", auth=alice.basic, json={"rules": [{"error": "api_error"}]})
    assert bob.get("/_twin/faults").json()["rules"] == []


@pytest.mark.parametrize(
    ("rules", "fragment"),
    [
        ([{"error": "teapot_error"}], "invalid request body"),
        ([{"error": "api_error", "times": 0}], "rules[0]: times"),
        ([{"error": "api_error", "operations": ["messages.delete"]}], "unknown operation"),
        ([{"error": "api_error"}, {"error": "api_error", "delay_ms": 10**9}], "rules[1]: delay_ms"),
        ([{"error": "api_error", "retry_after": -1}], "retry_after"),
        ([{"error": "api_error", "after_events": 0}], "after_events"),
        ([{"error": "api_error", "colour": "red"}], "unknown field"),
        ([{"error": "api_error"}] * 33, "length"),
    ],
)
def test_bad_rules_are_refused_with_the_reason(twin: TwinServer, rules: list[dict[str, object]], fragment: str) -> None:
    tenant = create_tenant(twin.base_url)
    response = httpx.put(f"{twin.base_url}/_twin/faults", auth=tenant.basic, json={"rules": rules})
    assert response.status_code == 400
    assert fragment in response.json()["error"]
    assert tenant.get("/_twin/faults").json()["rules"] == []


def test_faults_need_tenant_auth(twin: TwinServer) -> None:
    assert httpx.get(f"{twin.base_url}/_twin/faults").status_code == 401
    assert httpx.put(f"{twin.base_url}/_twin/faults", json={"rules": []}).status_code == 401
