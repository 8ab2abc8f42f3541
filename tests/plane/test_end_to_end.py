"""The whole journey over HTTP: bootstrap, mint, call /v1 with the SDK and raw x-api-key, see it in
history and logs, revoke, 401 everywhere (every worker), and tenants never see each other's data."""

from __future__ import annotations

import time
from typing import Any

import anthropic
import httpx
import pytest

from tests.conftest import ADMIN_TOKEN
from tests.support.server import TwinServer
from tests.support.tenants import Tenant, create_tenant

ADMIN = {"x-twin-admin-token": ADMIN_TOKEN}
MODEL = "claude-opus-4-8"
VERSION = {"anthropic-version": "2023-06-01"}
FRESH = 16  # requests on fresh connections: with 2 workers, both answer some of them
REVOCATION_DEADLINE_S = 5.0  # the requirement is "within a second"; slack for a loaded test machine


def _body(text: str) -> dict[str, Any]:
    return {"model": MODEL, "max_tokens": 64, "messages": [{"role": "user", "content": text}]}


@pytest.fixture(scope="module")
def provider(twin: TwinServer) -> TwinServer:
    probe = httpx.post(f"{twin.base_url}/v1/messages", json=_body("probe"), headers=VERSION)
    if probe.status_code in (404, 405):
        pytest.skip("the provider surface (/v1/messages) is not on this branch yet")
    return twin


def _raw_call(server: TwinServer, key: str, text: str) -> httpx.Response:
    with httpx.Client(base_url=server.base_url, timeout=30) as fresh:  # a new connection each time
        return fresh.post("/v1/messages", json=_body(text), headers={**VERSION, "x-api-key": key})


def _logs(server: TwinServer, **params: Any) -> list[dict[str, Any]]:
    response = httpx.get(f"{server.base_url}/_twin/logs", headers=ADMIN, params={"limit": 1000, **params})
    assert response.status_code == 200, response.text
    logs: list[dict[str, Any]] = response.json()["logs"]
    return logs


def test_bootstrap_call_inspect_revoke(provider: TwinServer) -> None:
    tenant = create_tenant(provider.base_url, "journey")
    account = tenant.mint_account("journey")
    key = account["api_key"]

    with anthropic.Anthropic(api_key=key, base_url=provider.base_url, max_retries=0) as sdk:
        raw = sdk.messages.with_raw_response.create(**_body("hello from the SDK"))
        message = raw.parse()
    sdk_request_id = raw.headers["request-id"]
    assert sdk_request_id.startswith("req_")
    by_header = _raw_call(provider, key, "hello from x-api-key")
    assert by_header.status_code == 200, by_header.text
    header_request_id = by_header.headers["request-id"]

    # Read your writes: the history and the logs show both calls at once.
    history = tenant.get("/_twin/messages").json()["messages"]
    assert [entry["correlation_id"] for entry in history] == [header_request_id, sdk_request_id]
    assert history[1]["id"] == message.id
    assert history[1]["request"]["messages"] == [{"role": "user", "content": "hello from the SDK"}]
    assert history[1]["response"]["content"] == [block.model_dump(exclude_none=True) for block in message.content]
    assert history[0]["response"]["id"] == by_header.json()["id"]
    assert {entry["api_key_id"] for entry in history} == {account["api_key_id"]}
    single = tenant.get(f"/_twin/messages/{message.id}").json()
    assert single == history[1]

    logs = tenant.get("/_twin/logs", limit=1000, operation="data.messages.create").json()["logs"]
    assert [item["entry"]["correlation_id"] for item in logs] == [header_request_id, sdk_request_id]
    for item in logs:
        entry = item["entry"]
        assert entry["plane"] == "data"
        assert entry["outcome"] == "success"
        assert entry["tenant_id"] == tenant.tenant_id
        assert entry["resource"]["type"] == "message"
    assert key not in str(tenant.get("/_twin/logs", limit=1000).json())
    assert key not in str(tenant.get("/_twin/events", limit=1000).json())

    revoked = httpx.delete(f"{provider.base_url}/_twin/accounts/{account['api_key_id']}", auth=tenant.basic)
    assert revoked.status_code == 200
    deadline = time.monotonic() + REVOCATION_DEADLINE_S
    while True:
        statuses = [_raw_call(provider, key, "after revocation").status_code for _ in range(FRESH)]
        if set(statuses) == {401} or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert set(statuses) == {401}, statuses
    with (
        anthropic.Anthropic(api_key=key, base_url=provider.base_url, max_retries=0) as sdk,
        pytest.raises(anthropic.AuthenticationError) as refused,
    ):
        sdk.messages.create(**_body("after revocation"))
    request_id = refused.value.response.headers["request-id"]
    (record,) = _logs(provider, correlation_id=request_id)
    assert record["tenant_id"] in ("", tenant.tenant_id)
    assert record["entry"]["outcome"] == "failure"
    assert record["entry"]["reason"]
    assert record["entry"]["reason"].startswith("authentication_error")
    assert key not in str(record)


def test_a_key_works_at_once_on_every_worker(provider: TwinServer) -> None:
    tenant = create_tenant(provider.base_url)
    for _ in range(3):
        key = tenant.mint_key()
        statuses = [_raw_call(provider, key, "at once").status_code for _ in range(FRESH // 2)]
        assert set(statuses) == {200}, statuses


def test_count_tokens_and_models_leave_records(provider: TwinServer) -> None:
    tenant = create_tenant(provider.base_url)
    key = tenant.mint_key()
    with anthropic.Anthropic(api_key=key, base_url=provider.base_url, max_retries=0) as sdk:
        counted = sdk.messages.count_tokens(model=MODEL, messages=[{"role": "user", "content": "count me"}])
        assert counted.input_tokens > 0
        assert list(sdk.models.list())
    operations = {item["entry"]["operation"] for item in tenant.get("/_twin/logs", limit=1000).json()["logs"]}
    assert "data.messages.count_tokens" in operations
    assert any(operation.startswith("data.models") for operation in operations), operations


def test_tenants_never_see_each_others_provider_traffic(provider: TwinServer) -> None:
    alice, bob = create_tenant(provider.base_url), create_tenant(provider.base_url)
    alice_key = alice.mint_key()
    call = _raw_call(provider, alice_key, "private")
    assert call.status_code == 200
    message_id = call.json()["id"]
    request_id = call.headers["request-id"]

    def sees(tenant: Tenant) -> str:
        parts = [
            tenant.get("/_twin/messages").text,
            tenant.get("/_twin/logs", limit=1000).text,
            tenant.get("/_twin/events", limit=1000).text,
            tenant.get("/_twin/accounts").text,
            tenant.get("/_twin/feedback").text,
        ]
        return "\n".join(parts)

    assert message_id in sees(alice)
    assert request_id in sees(alice)
    seen_by_bob = sees(bob)
    assert message_id not in seen_by_bob
    assert request_id not in seen_by_bob
    assert alice.tenant_id not in seen_by_bob
    assert alice.get(f"/_twin/messages/{message_id}").status_code == 200
    assert bob.get(f"/_twin/messages/{message_id}").status_code == 404
    for path in ("/_twin/messages", "/_twin/logs", "/_twin/feedback"):
        assert bob.get(path, tenant_id=alice.tenant_id).status_code == 403
    assert bob.get("/_twin/events", tenant=alice.tenant_id).status_code == 403
    assert _raw_call(provider, bob.secret, "tenant secrets are not API keys").status_code == 401
    mixed = httpx.get(f"{provider.base_url}/_twin/messages", auth=(bob.tenant_id, alice.secret))
    assert mixed.status_code == 401
    admin_view = httpx.get(
        f"{provider.base_url}/_twin/messages", headers=ADMIN, params={"tenant_id": alice.tenant_id}
    ).json()
    assert [entry["id"] for entry in admin_view["messages"]] == [message_id]
    as_admin_on_v1 = httpx.post(
        f"{provider.base_url}/v1/messages", json=_body("admin"), headers={**VERSION, "x-api-key": ADMIN_TOKEN}
    )
    assert as_admin_on_v1.status_code == 401
