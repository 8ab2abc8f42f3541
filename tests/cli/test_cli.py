"""`twin export --tenant`, `twin import` (idempotent) and `twin rebuild [--view]`, run as commands."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path
from typing import Any

import anthropic
import httpx
import msgspec

from eventstore import open_store, open_views
from projections.codec import twin_codec
from projections.registry import durable_projections
from projections.runner import ProjectionRunner
from tests.conftest import ADMIN_TOKEN
from tests.support.events import append_events, message_created
from tests.support.server import ROOT, run_twin
from tests.support.tenants import Tenant, create_tenant
from tests.support.views import dump_views

ADMIN = {"x-twin-admin-token": ADMIN_TOKEN}


def twin_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "twin", *args], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


def _snapshot(base_url: str, tenant: Tenant, before: int | None = None) -> dict[str, Any]:
    """What the tenant sees, up to log id `before` (reads add records of their own)."""
    params: dict[str, Any] = {"limit": 1000} if before is None else {"limit": 1000, "before": before}
    with httpx.Client(base_url=base_url, auth=tenant.basic, timeout=30) as client:
        return {
            "logs": client.get("/_twin/logs", params=params).json()["logs"],
            "messages": client.get("/_twin/messages", params={"limit": 100}).json()["messages"],
            "feedback": client.get("/_twin/feedback").json()["feedback"],
            "accounts": client.get("/_twin/accounts").json()["accounts"],
        }


def _without(items: list[dict[str, Any]], field: str) -> list[dict[str, Any]]:
    return [{k: v for k, v in item.items() if k != field} for item in items]


def test_export_import_and_rebuild(store_url: str, tmp_path: Path) -> None:
    target_url = f"sqlite:///{tmp_path / 'imported.db'}"
    with run_twin(store_url, tmp_path, admin_token=ADMIN_TOKEN) as server:
        tenant = create_tenant(server.base_url, "exported")
        other = create_tenant(server.base_url, "other")
        keys = [tenant.mint_account("one"), tenant.mint_account("two")]
        other.mint_key()
        httpx.delete(f"{server.base_url}/_twin/accounts/{keys[0]['api_key_id']}", auth=tenant.basic)
        httpx.post(f"{server.base_url}/_twin/feedback", auth=tenant.basic, json={"body": "nice", "category": "other"})
        event = message_created("exported message", api_key_id=keys[1]["api_key_id"])
        append_events(store_url, f"request-{event.message_id}", [event], tenant_id=tenant.tenant_id)
        httpx.post(f"{server.base_url}/_twin/accounts", auth=tenant.basic, content=b"{")  # a failure, too
        first = _snapshot(server.base_url, tenant)
        cutoff = first["logs"][0]["id"] + 1

    out = tmp_path / "tenant.jsonl"
    exported = twin_cli("export", "--tenant", tenant.tenant_id, "--out", str(out), "--store", store_url)
    assert exported.returncode == 0, exported.stderr
    lines = [msgspec.json.decode(line) for line in out.read_bytes().splitlines()]
    assert lines
    assert {line["tenant_id"] for line in lines} == {tenant.tenant_id}
    assert {"tenant.created", "api_key.issued", "api_key.revoked", "message.created", "feedback.submitted"} <= {
        line["type"] for line in lines
    }
    text = out.read_text()
    assert tenant.secret not in text
    assert all(key["api_key"] not in text for key in keys)
    to_stdout = twin_cli("export", "--tenant", tenant.tenant_id, "--store", store_url)
    assert to_stdout.returncode == 0
    assert to_stdout.stdout.encode() == out.read_bytes()

    imported = twin_cli("import", str(out), "--store", target_url)
    assert imported.returncode == 0, imported.stderr
    assert f"imported {len(lines)} events, skipped 0" in imported.stderr
    again = twin_cli("import", str(out), "--store", target_url)
    assert again.returncode == 0, again.stderr
    assert f"imported 0 events, skipped {len(lines)}" in again.stderr

    for args in (["rebuild"], ["rebuild", "--view", "logs", "--view", "messages"]):
        rebuilt = twin_cli(*args, "--store", store_url)
        assert rebuilt.returncode == 0, rebuilt.stderr
        assert "rebuilt" in rebuilt.stdout
    unknown = twin_cli("rebuild", "--view", "nope", "--store", store_url)
    assert unknown.returncode == 2
    assert "unknown view" in unknown.stderr

    with run_twin(store_url, tmp_path, admin_token=ADMIN_TOKEN) as server:
        assert _snapshot(server.base_url, tenant, before=cutoff) == first  # rebuilt views answer the same

    with run_twin(target_url, tmp_path, admin_token=ADMIN_TOKEN) as server:
        moved = Tenant(server.base_url, tenant.tenant_id, tenant.secret)  # the secret still works
        seen = _snapshot(server.base_url, moved)
        # Same content; new positions (an import appends), so cursors and log ids differ.
        assert _without(seen["messages"], "cursor") == _without(first["messages"], "cursor")
        assert _without(seen["feedback"], "cursor") == _without(first["feedback"], "cursor")
        assert seen["accounts"] == first["accounts"]
        exported_requests = {item["entry"]["correlation_id"] for item in first["logs"]}
        assert _without([i for i in seen["logs"] if i["entry"]["correlation_id"] in exported_requests], "id") == [
            item for item in _without(first["logs"], "id") if item["tenant_id"] == tenant.tenant_id
        ]
        everyone = httpx.get(f"{server.base_url}/_twin/tenants", headers=ADMIN).json()["tenants"]
        assert [t["tenant_id"] for t in everyone] == [tenant.tenant_id]  # only what was exported


def test_import_refuses_garbage_clearly(sqlite_url: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text("not json\n")
    result = twin_cli("import", str(bad), "--store", sqlite_url)
    assert result.returncode == 1
    assert "line 1" in result.stderr
    missing = twin_cli("import", str(tmp_path / "missing.jsonl"), "--store", sqlite_url)
    assert missing.returncode == 1
    assert "No such file" in missing.stderr


async def _caught_updump_views(store_url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every durable view, caught up to the head (incrementally, from wherever the server left it)."""
    store = await open_store(store_url)
    views = await open_views(store_url)
    try:
        runner = ProjectionRunner(store, views, durable_projections(), twin_codec())
        await runner.setup()
        await runner.catch_up()
        return await dump_views(views)
    finally:
        await views.close()
        await store.close()


def test_rebuild_after_real_traffic_equals_the_incremental_views(store_url: str, tmp_path: Path) -> None:
    with run_twin(store_url, tmp_path, admin_token=ADMIN_TOKEN) as server:
        tenant = create_tenant(server.base_url, "traffic")
        key = tenant.mint_key()
        with anthropic.Anthropic(api_key=key, base_url=server.base_url, max_retries=0) as sdk:
            body: dict[str, Any] = {
                "model": "claude-opus-4-8",
                "max_tokens": 64,
                "messages": [{"role": "user", "content": "hello"}],
            }
            sdk.messages.create(**body)
            with sdk.messages.stream(**body) as stream:
                stream.get_final_message()
            sdk.messages.count_tokens(model=body["model"], messages=body["messages"])
            list(sdk.models.list())
        httpx.post(f"{server.base_url}/v1/messages", json={}, headers={"x-api-key": "sk-ant-twin01-nope"})
        httpx.post(f"{server.base_url}/_twin/feedback", auth=tenant.basic, json={"body": "fine"})
        tenant.get("/_twin/messages")
        tenant.get("/_twin/logs")
    incremental = asyncio.run(_caught_updump_views(store_url))
    assert len(incremental["v_messages"]) == 2
    assert len(incremental["v_feedback"]) == 1
    rebuilt = twin_cli("rebuild", "--store", store_url)
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert asyncio.run(_caught_updump_views(store_url)) == incremental
