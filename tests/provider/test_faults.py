"""Failures on demand on the provider surface: `x-twin-fault` and tenant scripts, as the SDK sees them."""

from __future__ import annotations

import anthropic
import httpx
import pytest

from tests.support.server import TwinServer
from tests.support.tenants import create_tenant

from .helpers import MODEL, Wire, assert_error, events_of, hello, request_events

MESSAGES: list[anthropic.types.MessageParam] = [{"role": "user", "content": "Hello"}]


def test_header_fault_overloaded(wire: Wire) -> None:
    response = wire.post("/v1/messages", hello(), x_twin_fault="overloaded_error")
    assert_error(response, 529, "overloaded_error", "Overloaded")
    assert response.headers["x-should-retry"] == "true"
    assert response.headers.get_list("x-should-retry") == ["true"]


def test_header_fault_rate_limit_with_retry_after(client: anthropic.Anthropic) -> None:
    with pytest.raises(anthropic.RateLimitError) as caught:
        client.messages.create(
            model=MODEL,
            max_tokens=50,
            messages=MESSAGES,
            extra_headers={"x-twin-fault": "rate_limit_error; retry_after=7"},
        )
    assert caught.value.response.headers["retry-after"] == "7"
    assert "rate limit" in caught.value.message


def test_header_fault_on_every_operation(wire: Wire) -> None:
    fault = {"x_twin_fault": "api_error; message=Upstream hiccup"}
    for response in (
        wire.post(
            "/v1/messages/count_tokens", {"model": MODEL, "messages": [{"role": "user", "content": "x"}]}, **fault
        ),
        wire.get("/v1/models", **fault),
        wire.get(f"/v1/models/{MODEL}", **fault),
    ):
        assert_error(response, 500, "api_error", "Upstream hiccup")


def test_bad_fault_header_is_400(wire: Wire) -> None:
    response = wire.post("/v1/messages", hello(), x_twin_fault="teapot_error")
    body = assert_error(response, 400, "invalid_request_error")
    assert body["error"]["message"].startswith("x-twin-fault: unknown error type")


def test_stream_breaks_after_events(twin: TwinServer, wire: Wire, client: anthropic.Anthropic) -> None:
    response = wire.post("/v1/messages", hello(stream=True), x_twin_fault="overloaded_error; after_events=3")
    assert response.status_code == 200
    events = events_of(response.text)
    assert [event["type"] for event in events] == ["message_start", "content_block_start", "ping", "error"]
    assert events[-1]["error"] == {"type": "overloaded_error", "message": "Overloaded"}
    assert events[-1]["request_id"] == response.headers["request-id"]
    ((event, data),) = request_events(twin, response.headers["request-id"])
    assert event.type == "operation.recorded"
    assert data["outcome"] == "failure"
    assert data["details"]["fault"] == {"rule_id": "request", "error": "overloaded_error", "source": "header"}

    with (
        pytest.raises(anthropic.APIStatusError) as caught,
        client.messages.stream(
            model=MODEL, max_tokens=50, messages=MESSAGES, extra_headers={"x-twin-fault": "api_error; after_events=2"}
        ) as stream,
    ):
        stream.get_final_message()
    assert caught.value.status_code == 200  # mid-stream errors keep the stream's status


def test_a_script_of_two_makes_the_third_attempt_succeed(twin: TwinServer) -> None:
    tenant = create_tenant(twin.base_url)
    key = tenant.mint_key()
    rules = [{"error": "overloaded_error", "times": 2, "operations": ["messages.create"]}]
    put = httpx.put(f"{twin.base_url}/_twin/faults", auth=tenant.basic, json={"rules": rules})
    assert put.status_code == 200, put.text
    with anthropic.Anthropic(api_key=key, base_url=twin.base_url) as sdk:  # default: 2 retries
        assert sdk.models.list(limit=1).data  # another operation is not affected
        raw = sdk.messages.with_raw_response.create(model=MODEL, max_tokens=50, messages=MESSAGES)
        assert raw.retries_taken == 2
        assert raw.parse().content
        assert sdk.messages.create(model=MODEL, max_tokens=50, messages=MESSAGES).content
    shown = tenant.get("/_twin/faults").json()["rules"]
    assert [(rule["used"], rule["remaining"]) for rule in shown] == [(2, 0)]


def test_a_broken_stream_carries_the_real_rate_limit_message(wire: Wire) -> None:
    response = wire.post("/v1/messages", hello(stream=True), x_twin_fault="rate_limit_error; after_events=1")
    events = events_of(response.text)
    assert [event["type"] for event in events] == ["message_start", "error"]
    message = events[-1]["error"]["message"]
    assert message.startswith("This request would exceed the rate limit for your organization (")
    assert response.headers["anthropic-organization-id"] in message
