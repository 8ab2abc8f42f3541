"""History, logs, feedback and the event feed over HTTP: shapes, paging, filters, read-your-writes."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.conftest import ADMIN_TOKEN
from tests.support.events import append_events, message_created
from tests.support.server import TwinServer
from tests.support.tenants import Tenant, create_tenant

ADMIN = {"x-twin-admin-token": ADMIN_TOKEN}
TIMESTAMP = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
RECORD_FIELDS = [
    "timestamp",
    "twin",
    "tenant_id",
    "correlation_id",
    "plane",
    "operation",
    "resource",
    "outcome",
    "reason",
    "details",
]


def _messages(twin: TwinServer, tenant: Tenant, count: int) -> list[str]:
    """`count` message.created events of `tenant`, oldest first; returns their ids."""
    ids = []
    for i in range(count):
        event = message_created(f"hello {i}")
        append_events(twin.store_url, f"request-{event.message_id}", [event], tenant_id=tenant.tenant_id)
        ids.append(event.message_id)
    return ids


def _admin_get(twin: TwinServer, path: str, **params: Any) -> httpx.Response:
    return httpx.get(f"{twin.base_url}{path}", headers=ADMIN, params=params, timeout=30)


def _all_logs(tenant: Tenant, **params: Any) -> list[dict[str, Any]]:
    response = tenant.get("/_twin/logs", limit=1000, **params)
    assert response.status_code == 200, response.text
    logs: list[dict[str, Any]] = response.json()["logs"]
    return logs


# --------------------------------------------------------------------------------- history
def test_history_is_newest_first_and_pages_by_cursor(twin: TwinServer) -> None:
    tenant = create_tenant(twin.base_url)
    ids = _messages(twin, tenant, 5)
    first = tenant.get("/_twin/messages").json()
    assert [m["id"] for m in first["messages"]] == ids[::-1]  # read your writes: all there at once
    assert first["has_more"] is False
    assert first["next_cursor"] is None

    seen: list[str] = []
    params: dict[str, Any] = {"limit": 2}
    while True:
        page = tenant.get("/_twin/messages", **params).json()
        seen += [m["id"] for m in page["messages"]]
        if not page["has_more"]:
            break
        params["before"] = page["next_cursor"]
    assert seen == ids[::-1]

    forward: list[str] = []
    after: dict[str, Any] = {"after": 0, "limit": 2}
    while True:
        page = tenant.get("/_twin/messages", **after).json()
        assert page["order"] == "asc"
        forward += [m["id"] for m in page["messages"]]
        if not page["has_more"]:
            break
        after["after"] = page["next_cursor"]
    assert forward == ids


def test_history_filters_by_key_and_model(twin: TwinServer) -> None:
    tenant = create_tenant(twin.base_url)
    events = [
        message_created("one", api_key_id="apikey_a"),
        message_created("two", api_key_id="apikey_b"),
        message_created("three", api_key_id="apikey_a", model="claude-haiku-4-5"),
    ]
    for event in events:
        append_events(twin.store_url, f"request-{event.message_id}", [event], tenant_id=tenant.tenant_id)
    ids = [event.message_id for event in events]
    by_key = tenant.get("/_twin/messages", api_key_id="apikey_a").json()["messages"]
    assert [m["id"] for m in by_key] == [ids[2], ids[0]]
    by_model = tenant.get("/_twin/messages", model="claude-haiku-4-5").json()["messages"]
    assert [m["id"] for m in by_model] == [ids[2]]
    assert tenant.get("/_twin/messages", api_key_id="apikey_b", model="claude-haiku-4-5").json()["messages"] == []


def test_a_message_shows_request_and_response(twin: TwinServer) -> None:
    tenant = create_tenant(twin.base_url)
    (message_id,) = _messages(twin, tenant, 1)
    entry = tenant.get(f"/_twin/messages/{message_id}").json()
    assert entry["id"] == message_id
    assert entry["tenant_id"] == tenant.tenant_id
    assert entry["request"]["messages"] == [{"role": "user", "content": "hello 0"}]
    assert entry["response"]["content"][0]["text"] == "echo: hello 0"
    assert entry["usage"]["input_tokens"] == 5
    assert TIMESTAMP.match(entry["created_at"])
    assert tenant.get("/_twin/messages").json()["messages"][0] == entry
    missing = tenant.get("/_twin/messages/msg_nope")
    assert missing.status_code == 404
    assert set(missing.json()) == {"error"}


def test_history_is_private_to_its_tenant_and_open_to_the_admin(twin: TwinServer) -> None:
    alice, bob = create_tenant(twin.base_url), create_tenant(twin.base_url)
    (message_id,) = _messages(twin, alice, 1)
    assert bob.get("/_twin/messages").json()["messages"] == []
    assert bob.get(f"/_twin/messages/{message_id}").status_code == 404
    assert bob.get("/_twin/messages", tenant_id=alice.tenant_id).status_code == 403
    mixed = httpx.get(f"{twin.base_url}/_twin/messages", auth=(bob.tenant_id, alice.secret))
    assert mixed.status_code == 401
    as_admin = _admin_get(twin, "/_twin/messages", tenant_id=alice.tenant_id).json()
    assert [m["id"] for m in as_admin["messages"]] == [message_id]
    assert _admin_get(twin, f"/_twin/messages/{message_id}").json()["tenant_id"] == alice.tenant_id
    assert message_id in {m["id"] for m in _admin_get(twin, "/_twin/messages", limit=100).json()["messages"]}


# ------------------------------------------------------------------------------------ logs
def test_every_plane_operation_leaves_a_normative_record(twin: TwinServer) -> None:
    tenant = create_tenant(twin.base_url)
    minted = httpx.post(
        f"{twin.base_url}/_twin/accounts", auth=tenant.basic, json={"kind": "api_key", "friendly_name": "ci"}
    )
    key = minted.json()["api_key"]
    bad = httpx.post(f"{twin.base_url}/_twin/accounts", auth=tenant.basic, json={"kind": "oauth"})
    assert bad.status_code == 400
    tenant.get("/_twin/accounts")

    logs = _all_logs(tenant)
    assert [item["id"] for item in logs] == sorted((item["id"] for item in logs), reverse=True)
    by_operation = {item["entry"]["operation"]: item for item in logs if item["entry"]["outcome"] == "success"}
    assert {"twin.tenant.create", "twin.account.create", "twin.account.list"} <= set(by_operation)
    for item in logs:
        entry = item["entry"]
        assert list(entry) == RECORD_FIELDS
        assert entry["twin"] == "anthropic"
        assert entry["tenant_id"] == item["tenant_id"] == tenant.tenant_id
        assert entry["timestamp"] == item["timestamp"]
        assert TIMESTAMP.match(entry["timestamp"])
        assert entry["outcome"] in ("success", "failure")
        assert isinstance(entry["details"], dict)
    created = by_operation["twin.account.create"]["entry"]
    assert created["correlation_id"] == minted.headers["request-id"]
    assert created["resource"] == {"type": "api_key", "id": minted.json()["api_key_id"]}
    assert created["plane"] == "twin"
    failures = [item["entry"] for item in logs if item["entry"]["outcome"] == "failure"]
    assert len(failures) == 1
    assert failures[0]["correlation_id"] == bad.headers["request-id"]
    assert failures[0]["operation"] == "twin.account.create"
    assert "invalid request body" in failures[0]["reason"]
    assert failures[0]["details"]["status"] == 400
    text = str(logs) + tenant.get("/_twin/events", limit=1000).text
    assert key not in text
    assert tenant.secret not in text
    server_log = twin.log()
    assert key not in server_log
    assert tenant.secret not in server_log


def test_log_filters_and_paging(twin: TwinServer) -> None:
    tenant = create_tenant(twin.base_url)
    for _ in range(3):
        tenant.mint_key()
    httpx.post(f"{twin.base_url}/_twin/accounts", auth=tenant.basic, content=b"{")
    everything = _all_logs(tenant)

    mints = _all_logs(tenant, operation="twin.account.create")
    assert len(mints) == 4
    assert len(_all_logs(tenant, operation="twin.account.create", outcome="success")) == 3
    prefixed = _all_logs(tenant, operation="twin.account.*")
    assert {item["entry"]["operation"] for item in prefixed} == {"twin.account.create"}
    assert {item["id"] for item in everything} <= {item["id"] for item in _all_logs(tenant, operation="twin.*")}
    (failure,) = _all_logs(tenant, outcome="failure")
    assert "malformed JSON" in failure["entry"]["reason"]
    assert _all_logs(tenant, correlation_id=failure["entry"]["correlation_id"]) == [failure]
    future = (datetime.now(UTC) + timedelta(hours=1)).isoformat().replace("+00:00", "Z")
    assert _all_logs(tenant, since=future) == []
    assert len(_all_logs(tenant, since="2000-01-01T00:00:00Z", operation="twin.account.create")) == 4

    ids: list[int] = []
    params: dict[str, Any] = {"limit": 2, "operation": "twin.account.create"}
    while True:
        page = tenant.get("/_twin/logs", **params).json()
        assert page["limit"] == 2
        ids += [item["id"] for item in page["logs"]]
        if not page["has_more"]:
            break
        params["before"] = page["next_cursor"]
    assert ids == [item["id"] for item in mints]
    offset = tenant.get("/_twin/logs", limit=2, offset=2, operation="twin.account.create").json()
    assert offset["offset"] == 2
    assert [item["id"] for item in offset["logs"]] == ids[2:4]


def test_logs_are_private_and_admin_actions_carry_the_operator_tenant(twin: TwinServer) -> None:
    alice, bob = create_tenant(twin.base_url), create_tenant(twin.base_url)
    account = alice.mint_account()
    revoked = httpx.delete(f"{twin.base_url}/_twin/accounts/{account['api_key_id']}", headers=ADMIN)
    assert revoked.status_code == 200
    assert all(item["tenant_id"] == bob.tenant_id for item in _all_logs(bob))
    assert bob.get("/_twin/logs", tenant_id=alice.tenant_id).status_code == 403
    assert all(item["tenant_id"] == alice.tenant_id for item in _all_logs(alice))

    admin_logs = _admin_get(twin, "/_twin/logs", correlation_id=revoked.headers["request-id"]).json()["logs"]
    (record,) = admin_logs
    assert record["tenant_id"] == "__operator_admin__"
    assert record["entry"]["operation"] == "twin.account.revoke"
    assert record["entry"]["details"]["key_tenant_id"] == alice.tenant_id
    of_alice = _admin_get(twin, "/_twin/logs", tenant_id=alice.tenant_id, limit=1000).json()["logs"]
    assert {item["tenant_id"] for item in of_alice} == {alice.tenant_id}
    assert {"twin.tenant.create", "twin.account.create"} <= {item["entry"]["operation"] for item in of_alice}


def test_unauthenticated_failures_are_logged_without_a_tenant(twin: TwinServer) -> None:
    response = httpx.get(f"{twin.base_url}/_twin/logs", auth=("no-such-tenant", "x"))
    assert response.status_code == 401
    (record,) = _admin_get(twin, "/_twin/logs", correlation_id=response.headers["request-id"]).json()["logs"]
    assert record["tenant_id"] == ""
    assert record["entry"]["outcome"] == "failure"
    assert record["entry"]["reason"] == "invalid tenant credentials"
    unknown = _admin_get(twin, "/_twin/logs", tenant_id="", outcome="failure", limit=1000).json()["logs"]
    assert record in unknown


# -------------------------------------------------------------------------------- feedback
def test_feedback_is_recorded_pending_and_listed(twin: TwinServer) -> None:
    tenant, other = create_tenant(twin.base_url), create_tenant(twin.base_url)
    body = {"body": "stop_reason should be max_tokens here", "category": "fidelity", "context": {"model": "x"}}
    created = httpx.post(f"{twin.base_url}/_twin/feedback", auth=tenant.basic, json=body)
    assert created.status_code == 201, created.text
    record = created.json()
    assert record["status"] == "pending"
    assert record["feedback_id"].startswith("fb_")
    assert {k: record[k] for k in body} == body
    listed = tenant.get("/_twin/feedback").json()["feedback"]
    assert len(listed) == 1
    assert {k: listed[0][k] for k in (*body, "feedback_id", "status", "created_at")} == {
        k: record[k] for k in (*body, "feedback_id", "status", "created_at")
    }
    assert other.get("/_twin/feedback").json()["feedback"] == []
    as_admin = _admin_get(twin, "/_twin/feedback", tenant_id=tenant.tenant_id).json()["feedback"]
    assert [f["feedback_id"] for f in as_admin] == [record["feedback_id"]]
    minimal = httpx.post(f"{twin.base_url}/_twin/feedback", auth=tenant.basic, json={"body": "x" * 8192})
    assert minimal.status_code == 201
    assert minimal.json()["category"] is None
    logged = _all_logs(tenant, operation="twin.feedback.create")
    assert {item["entry"]["resource"]["id"] for item in logged} == {
        record["feedback_id"],
        minimal.json()["feedback_id"],
    }


@pytest.mark.parametrize(
    ("body", "status", "fragment"),
    [
        (b"{", 400, "malformed JSON"),
        (b"", 400, "JSON object"),
        (b"{}", 400, "body"),
        (b'{"body": ""}', 400, "length"),
        (b'{"body": "   "}', 400, "blank"),
        (b'{"body": 7}', 400, "Expected `str"),
        (b'{"body": "' + b"x" * 8193 + b'"}', 400, "length"),
        (b'{"body": "hi", "category": "rant"}', 400, "category"),
        (b'{"body": "hi", "context": "text"}', 400, "context"),
        (b'{"body": "hi", "mood": "sad"}', 400, "unknown field"),
        (b'{"body": "hi", "context": {"pad": "' + b"x" * 70000 + b'"}}', 413, "too large"),
        (b'{"body": "hi", "context": {"deep": ' + b"[" * 30000 + b"]" * 30000 + b"}}", 400, "nested too deeply"),
    ],
)
def test_bad_feedback_is_refused(twin: TwinServer, body: bytes, status: int, fragment: str) -> None:
    tenant = create_tenant(twin.base_url)
    response = httpx.post(
        f"{twin.base_url}/_twin/feedback", auth=tenant.basic, content=body, headers={"content-type": "application/json"}
    )
    assert response.status_code == status, response.text
    assert set(response.json()) == {"error"}
    assert fragment.lower() in response.json()["error"].lower()


def test_feedback_needs_a_tenant(twin: TwinServer) -> None:
    assert httpx.post(f"{twin.base_url}/_twin/feedback", json={"body": "hi"}).status_code == 401
    as_admin = httpx.post(f"{twin.base_url}/_twin/feedback", headers=ADMIN, json={"body": "hi"})
    assert as_admin.status_code == 401  # feedback is a tenant's; the admin reads it


# ------------------------------------------------------------------------------ event feed
def test_event_feed_is_the_tenants_own_redacted_history(twin: TwinServer) -> None:
    alice, bob = create_tenant(twin.base_url), create_tenant(twin.base_url)
    alice.mint_key()
    bob.mint_key()
    feed = alice.get("/_twin/events").json()
    types = [event["type"] for event in feed["events"]]
    assert types[:2] == ["tenant.created", "api_key.issued"]
    assert {event["tenant_id"] for event in feed["events"]} == {alice.tenant_id}
    positions = [event["position"] for event in feed["events"]]
    assert positions == sorted(positions)
    tenant_created = feed["events"][0]["data"]
    assert tenant_created["secret_hash"] == "[redacted]"
    assert feed["events"][1]["data"]["key_hash"] == "[redacted]"

    page = alice.get("/_twin/events", limit=1).json()
    assert page["has_more"] is True
    rest = alice.get("/_twin/events", after=page["next_cursor"], limit=1000).json()
    paged = [e["event_id"] for e in page["events"] + rest["events"]]
    assert paged[: len(feed["events"])] == [e["event_id"] for e in feed["events"]]
    assert len(paged) > len(feed["events"])  # the first read left its own operation.recorded
    assert alice.get("/_twin/events", tenant=bob.tenant_id).status_code == 403
    of_bob = _admin_get(twin, "/_twin/events", tenant=bob.tenant_id).json()["events"]
    assert {event["tenant_id"] for event in of_bob} == {bob.tenant_id}
    assert alice.get("/_twin/events", type="api_key.issued").json()["events"][0]["type"] == "api_key.issued"
    unknown = alice.get("/_twin/events", type="api_key.stolen")
    assert unknown.status_code == 400
    assert "one of" in unknown.json()["error"]


# ------------------------------------------------------------------------------ bad params
@pytest.mark.parametrize("path", ["/_twin/messages", "/_twin/logs", "/_twin/feedback", "/_twin/tenants"])
@pytest.mark.parametrize(
    ("params", "fragment"),
    [
        ({"limit": "0"}, "between"),
        ({"limit": "abc"}, "integer"),
        ({"limit": "100000"}, "between"),
        ({"before": "-1"}, "between"),
        ({"after": "1.5"}, "integer"),
        ({"order": "sideways"}, "one of"),
        ({"colour": "red"}, "unknown query parameter"),
        ({"limit": ["1", "2"]}, "more than once"),
    ],
)
def test_bad_query_parameters_are_400(twin: TwinServer, path: str, params: dict[str, Any], fragment: str) -> None:
    tenant = create_tenant(twin.base_url)
    response = tenant.get(path, **params)
    assert response.status_code == 400, response.text
    assert set(response.json()) == {"error"}
    assert fragment in response.json()["error"]


@pytest.mark.parametrize(
    ("params", "fragment"),
    [({"outcome": "maybe"}, "one of"), ({"since": "yesterday"}, "RFC 3339"), ({"operation": "x" * 300}, "characters")],
)
def test_bad_log_filters_are_400(twin: TwinServer, params: dict[str, Any], fragment: str) -> None:
    response = create_tenant(twin.base_url).get("/_twin/logs", **params)
    assert response.status_code == 400, response.text
    assert fragment in response.json()["error"]


@pytest.mark.parametrize(
    "path", ["/_twin/messages", "/_twin/messages/msg_x", "/_twin/logs", "/_twin/feedback", "/_twin/events"]
)
def test_reads_need_credentials(twin: TwinServer, path: str) -> None:
    tenant = create_tenant(twin.base_url)
    key = tenant.mint_key()
    for headers in ({}, {"x-api-key": key}, {"authorization": f"Bearer {key}"}, {"authorization": "Basic !!"}):
        response = httpx.get(f"{twin.base_url}{path}", headers=headers)
        assert response.status_code == 401, (headers, response.text)
        assert set(response.json()) == {"error"}


def test_tenant_listing(twin: TwinServer) -> None:
    tenant = create_tenant(twin.base_url, "listed")
    own = tenant.get("/_twin/tenants").json()
    assert [t["tenant_id"] for t in own["tenants"]] == [tenant.tenant_id]
    admin = _admin_get(twin, "/_twin/tenants", tenant_id=tenant.tenant_id).json()
    assert [(t["tenant_id"], t["friendly_name"]) for t in admin["tenants"]] == [(tenant.tenant_id, "listed")]
    newest = _admin_get(twin, "/_twin/tenants", limit=1).json()
    assert newest["has_more"] is True


def test_admin_filters_accounts_by_tenant(twin: TwinServer) -> None:
    alice, bob = create_tenant(twin.base_url), create_tenant(twin.base_url)
    account = alice.mint_account()
    bob.mint_key()
    listed = _admin_get(twin, "/_twin/accounts", tenant_id=alice.tenant_id).json()["accounts"]
    assert [a["api_key_id"] for a in listed] == [account["api_key_id"]]
    assert bob.get("/_twin/accounts", tenant_id=alice.tenant_id).status_code == 403
    assert [a["tenant_id"] for a in bob.get("/_twin/accounts", tenant_id=bob.tenant_id).json()["accounts"]] == [
        bob.tenant_id
    ]


def test_admin_sees_the_views_state(twin: TwinServer) -> None:
    tenant = create_tenant(twin.base_url)
    tenant.get("/_twin/logs")
    state = _admin_get(twin, "/_twin/views").json()
    names = {view["name"] for view in state["views"]}
    assert {"tenants", "api_keys", "messages", "logs", "feedback"} <= names
    assert all(0 <= view["position"] <= state["head"] for view in state["views"])
    assert tenant.get("/_twin/views").status_code == 403
    assert httpx.get(f"{twin.base_url}/_twin/views").status_code == 401
