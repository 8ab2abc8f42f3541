"""The provider router in process, with a stub runtime: the error boundary and header rules."""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace
from typing import Any

import pytest

from twin.api.provider import router as router_module
from twin.api.provider.call import Call
from twin.api.provider.headers import HeaderFactory
from twin.api.provider.router import ProviderRouter, match
from twin.wire.errors import invalid_request

ORG = "11111111-2222-4333-8444-555555555555"


class StubRuntime:
    def __init__(self) -> None:
        self.deployment = SimpleNamespace(organization_id=ORG)
        self.recorded: list[tuple[str, list[Any], str, str]] = []
        self.directory = SimpleNamespace(active_key=lambda digest: None)
        self.memory = SimpleNamespace(refresh=self._refresh)

    async def _refresh(self) -> None:
        return None

    async def record(self, stream_id: str, events: list[Any], *, tenant_id: str, correlation_id: str) -> list[Any]:
        self.recorded.append((stream_id, events, tenant_id, correlation_id))
        return []


def _serve(runtime: StubRuntime, path: str, method: str = "GET") -> tuple[int, dict[bytes, bytes], bytes]:
    router = ProviderRouter(runtime)  # type: ignore[arg-type]
    sent: list[dict[str, Any]] = []
    scope = {"type": "http", "method": method, "path": path, "query_string": b"", "headers": []}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(router(scope, receive, send))
    start = sent[0]
    body = b"".join(message.get("body", b"") for message in sent[1:])
    return start["status"], dict(start["headers"]), body


@pytest.fixture
def boom_route(monkeypatch: pytest.MonkeyPatch) -> None:
    async def boom(call: Call, receive: Any) -> None:
        raise RuntimeError("a bug")

    async def refuse(call: Call, receive: Any) -> None:
        raise invalid_request("nope")

    monkeypatch.setitem(router_module.ROUTES, "/v1/boom", ("data.boom", {"GET": boom}))
    monkeypatch.setitem(router_module.ROUTES, "/v1/refuse", ("data.refuse", {"GET": refuse}))


@pytest.mark.usefixtures("boom_route")
def test_an_unexpected_exception_is_a_500_envelope() -> None:
    runtime = StubRuntime()
    status, headers, body = _serve(runtime, "/v1/boom")
    assert status == 500
    envelope = json.loads(body)
    assert envelope["error"] == {"type": "api_error", "message": "Internal server error"}
    assert envelope["request_id"] == headers[b"request-id"].decode()
    assert headers[b"x-should-retry"] == b"true"
    ((stream_id, (event,), tenant_id, correlation_id),) = runtime.recorded
    assert stream_id == f"request-{correlation_id}"
    assert tenant_id == ""
    assert event.operation == "data.boom"
    assert event.reason == "api_error: Internal server error"


@pytest.mark.usefixtures("boom_route")
def test_an_api_error_is_its_envelope() -> None:
    runtime = StubRuntime()
    status, headers, body = _serve(runtime, "/v1/refuse")
    assert status == 400
    assert json.loads(body)["error"] == {"type": "invalid_request_error", "message": "nope"}
    assert headers[b"x-should-retry"] == b"false"
    assert headers[b"anthropic-organization-id"] == ORG.encode()


def test_routes() -> None:
    assert match("/v1/messages")[0] == "data.messages.create"
    assert match("/v1/messages/count_tokens")[0] == "data.messages.count_tokens"
    assert match("/v1/models")[0] == "data.models.list"
    assert match("/v1/models/claude-opus-4-8")[0] == "data.models.get"
    assert match("/v1/models/")[0] == "data.unknown"
    assert match("/v1/models/a/b")[0] == "data.unknown"
    assert match("/v1/messages/batches")[0] == "data.unknown"


def test_rate_limit_headers_are_static_and_complete() -> None:
    headers = dict(HeaderFactory(ORG).json("req_x", 2))
    for family in ("requests", "tokens", "input-tokens", "output-tokens"):
        prefix = f"anthropic-ratelimit-{family}".encode()
        assert headers[prefix + b"-limit"] == headers[prefix + b"-remaining"]
        assert headers[prefix + b"-reset"].endswith(b":00Z")
    assert headers[b"content-length"] == b"2"
