"""The unauthenticated twin-plane endpoints, over HTTP against the real server."""

from __future__ import annotations

import httpx

from tests.support.server import TwinServer
from twin import __version__


def test_health(twin: TwinServer) -> None:
    response = httpx.get(f"{twin.base_url}/_twin/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "twin": "anthropic", "version": __version__}


def test_settings_show_the_store_kind_but_no_secrets(twin: TwinServer) -> None:
    body = httpx.get(f"{twin.base_url}/_twin/settings").json()
    assert body["twin"] == "anthropic"
    assert body["base_url"] == twin.base_url
    assert body["store_kind"] in ("sqlite", "postgres")
    assert body["admin_enabled"] is True
    assert twin.admin_token not in str(body)


def test_references_name_public_sources(twin: TwinServer) -> None:
    references = httpx.get(f"{twin.base_url}/_twin/references").json()["references"]
    assert references
    for reference in references:
        assert reference["url"].startswith("https://")
        assert len(reference["retrieved"]) == 10


def test_scenarios(twin: TwinServer) -> None:
    scenarios = httpx.get(f"{twin.base_url}/_twin/scenarios").json()["scenarios"]
    assert {"name", "status", "description", "capabilities"} <= set(scenarios[0])
    assert all(s["status"] in ("supported", "partial", "planned") for s in scenarios)


def test_agent_instructions_are_plain_text_with_the_base_url(twin: TwinServer) -> None:
    response = httpx.get(f"{twin.base_url}/_twin/agent-instructions")
    assert response.headers["content-type"].startswith("text/plain")
    assert f"{twin.base_url}/_twin/tenants" in response.text
