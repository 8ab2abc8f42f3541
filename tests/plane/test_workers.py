"""Read your writes across workers on the twin plane: every request below uses a fresh connection,
so with 2 Granian workers both answer some of them, and each must already see the write before it."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

from tests.support.server import TwinServer, run_twin
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


def test_stopping_the_server_leaves_no_worker_behind(postgres_url: str, tmp_path: Path) -> None:
    with run_twin(postgres_url, tmp_path, workers=2) as server:
        group = server.process.pid
        members = _group_members(group)
        assert len(members) >= 3  # the Granian main process and its two workers
    assert not [pid for pid in members if _alive(pid)]


def _group_members(group: int) -> list[int]:
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == group:  # fields after the command: state, ppid, pgrp, ...
            members.append(int(stat.parent.name))
    return members


def _alive(pid: int) -> bool:
    try:
        state = (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_concurrent_writes_and_reads_never_fail(twin: TwinServer) -> None:
    tenants = [create_tenant(twin.base_url) for _ in range(4)]

    def session(tenant: Tenant) -> list[int]:
        statuses = []
        with httpx.Client(base_url=twin.base_url, auth=tenant.basic, timeout=60) as client:
            for i in range(6):
                statuses.append(client.post("/_twin/accounts", json={"kind": "api_key"}).status_code)
                statuses.append(client.post("/_twin/feedback", json={"body": f"n{i}"}).status_code)
                for path in ("/_twin/logs", "/_twin/messages", "/_twin/feedback", "/_twin/events", "/_twin/accounts"):
                    statuses.append(client.get(path).status_code)
        return statuses

    with ThreadPoolExecutor(max_workers=len(tenants)) as pool:
        results = list(pool.map(session, tenants))
    assert {status for statuses in results for status in statuses} <= {200, 201}
    for tenant in tenants:
        assert len(tenant.get("/_twin/feedback").json()["feedback"]) == 6
        assert len(tenant.get("/_twin/accounts").json()["accounts"]) == 6
