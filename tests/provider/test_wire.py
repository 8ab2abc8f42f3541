"""The provider surface on the wire (raw httpx), where the SDK hides what matters: headers, SSE
bytes and grammar, auth and version rules, 404/405/413, malformed input, and the records."""

from __future__ import annotations

import json

import pytest

from tests.conftest import ADMIN_TOKEN
from tests.support.server import TwinServer
from tests.support.tenants import Tenant, create_tenant

from .helpers import MODEL, V2023, Wire, assert_common_headers, assert_error, events_of, hello, request_events

# --------------------------------------------------------------------------------- headers


def test_json_answer_headers(wire: Wire) -> None:
    response = wire.post("/v1/messages", hello())
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert int(response.headers["content-length"]) == len(response.content)
    assert "x-should-retry" not in response.headers
    assert_common_headers(response)


def test_stream_answer_headers(wire: Wire) -> None:
    response = wire.post("/v1/messages", hello(stream=True))
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/event-stream; charset=utf-8"
    assert response.headers["cache-control"] == "no-cache"
    assert_common_headers(response)


def test_every_route_carries_the_headers(wire: Wire) -> None:
    for response in (
        wire.post("/v1/messages/count_tokens", {"model": MODEL, "messages": [{"role": "user", "content": "hi"}]}),
        wire.get("/v1/models"),
        wire.get(f"/v1/models/{MODEL}"),
        wire.get("/v1/nothing-here"),
        wire.get("/v1/messages"),
        wire.post("/v1/messages", hello(), auth=None),
    ):
        assert_common_headers(response)


def test_request_ids_are_unique(wire: Wire) -> None:
    ids = {wire.post("/v1/messages", hello()).headers["request-id"] for _ in range(5)}
    assert len(ids) == 5


# ------------------------------------------------------------------------------------- SSE


def test_sse_bytes_and_grammar(wire: Wire) -> None:
    response = wire.post("/v1/messages", hello(stream=True))
    raw = response.text
    events = events_of(raw)
    names = [event["type"] for event in events]
    assert names[0] == "message_start"
    assert names[1] == "content_block_start"
    assert names[2] == "ping"
    assert names[-2:] == ["message_delta", "message_stop"]
    assert names.count("message_start") == names.count("message_stop") == names.count("message_delta") == 1
    # ping is spaced like the real one; every other data line is compact JSON
    assert 'event: ping\ndata: {"type": "ping"}\n\n' in raw
    for line in raw.split("\n"):
        if line.startswith("data: ") and "ping" not in line:
            assert json.dumps(json.loads(line[6:]), separators=(",", ":"), ensure_ascii=False) == line[6:]
    # blocks: contiguous 0-based indices, start -> deltas -> stop, never interleaved
    open_index = None
    next_index = 0
    for event in events:
        if event["type"] == "content_block_start":
            assert open_index is None
            assert event["index"] == next_index
            open_index = next_index
        elif event["type"] == "content_block_delta":
            assert event["index"] == open_index
        elif event["type"] == "content_block_stop":
            assert event["index"] == open_index
            open_index, next_index = None, next_index + 1
    assert open_index is None


def test_stream_accumulates_to_the_json_answer(wire: Wire) -> None:
    expected = wire.post("/v1/messages", hello()).json()
    events = events_of(wire.post("/v1/messages", hello(stream=True)).text)
    message = events[0]["message"]
    for event in events[1:]:
        if event["type"] == "content_block_start":
            message["content"].append(event["content_block"])
        elif event["type"] == "content_block_delta":
            block, delta = message["content"][event["index"]], event["delta"]
            if delta["type"] == "text_delta":
                block["text"] += delta["text"]
        elif event["type"] == "message_delta":
            message.update({key: value for key, value in event["delta"].items()})
            message["usage"].update(event["usage"])
    message.pop("id")
    expected.pop("id")
    assert message == expected


# -------------------------------------------------------------------------- auth and versions


def test_x_api_key_and_bearer_both_work(wire: Wire) -> None:
    assert wire.post("/v1/messages", hello(), auth="x-api-key").status_code == 200
    assert wire.post("/v1/messages", hello(), auth="bearer").status_code == 200


def test_missing_key(wire: Wire) -> None:
    assert_error(
        wire.post("/v1/messages", hello(), auth=None), 401, "authentication_error", "x-api-key header is required"
    )


def test_invalid_x_api_key(wire: Wire) -> None:
    headers = wire.headers(auth=None, x_api_key="sk-ant-twin01-wrong")
    assert_error(wire.post("/v1/messages", hello(), headers=headers), 401, "authentication_error", "invalid x-api-key")


def test_invalid_bearer(wire: Wire) -> None:
    headers = wire.headers(auth=None, authorization="Bearer sk-ant-twin01-wrong")
    assert_error(
        wire.post("/v1/messages", hello(), headers=headers), 401, "authentication_error", "Invalid bearer token"
    )


def test_tenant_secret_and_admin_token_are_not_api_keys(wire: Wire, tenant: Tenant) -> None:
    for token in (tenant.secret, ADMIN_TOKEN):
        for headers in (
            wire.headers(auth=None, authorization=f"Bearer {token}"),
            wire.headers(auth=None, x_api_key=token),
        ):
            assert wire.post("/v1/messages", hello(), headers=headers).status_code == 401
    basic = wire.http.post(
        "/v1/messages", json=hello(), headers=wire.headers(auth=None), auth=(tenant.tenant_id, tenant.secret)
    )
    assert basic.status_code == 401


def test_revoked_key_is_rejected(twin: TwinServer, wire: Wire) -> None:
    tenant = create_tenant(twin.base_url)
    account = tenant.mint_account()
    headers = wire.headers(auth=None, x_api_key=account["api_key"])
    assert wire.post("/v1/messages", hello(), headers=headers).status_code == 200
    revoked = wire.http.delete(f"/_twin/accounts/{account['api_key_id']}", auth=tenant.basic)
    assert revoked.status_code == 200
    rejected = wire.post("/v1/messages", hello(), headers=headers)
    assert_error(rejected, 401, "authentication_error", "invalid x-api-key")
    ((event, data),) = request_events(twin, rejected.headers["request-id"])
    assert event.tenant_id == tenant.tenant_id  # the owner sees attempts with its revoked key
    assert data["details"]["api_key_id"] == account["api_key_id"]


def test_missing_version(wire: Wire) -> None:
    assert_error(
        wire.post("/v1/messages", hello(), version=None),
        400,
        "invalid_request_error",
        "anthropic-version: header is required",
    )


def test_unknown_version(wire: Wire) -> None:
    assert_error(
        wire.post("/v1/messages", hello(), version="2024-01-01"),
        400,
        "invalid_request_error",
        'anthropic-version: "2024-01-01" is not a valid version',
    )


def test_auth_is_checked_before_the_version(wire: Wire) -> None:
    assert wire.post("/v1/messages", hello(), version=None, auth=None).status_code == 401


# -------------------------------------------------------------------------- routes and limits


def test_unknown_path_is_a_json_404(wire: Wire) -> None:
    assert_error(wire.get("/v1/nothing-here"), 404, "not_found_error", "Not Found")
    assert_error(wire.post("/v1/messages/nope", hello()), 404, "not_found_error", "Not Found")
    assert_error(wire.get("/v1"), 404, "not_found_error", "Not Found")


def test_wrong_method_is_a_json_405(wire: Wire) -> None:
    response = wire.get("/v1/messages")
    assert_error(response, 405, "invalid_request_error", "Method Not Allowed")
    assert response.headers["allow"] == "POST"
    assert_error(wire.post("/v1/models", {}), 405, "invalid_request_error", "Method Not Allowed")
    delete = wire.http.delete("/v1/messages/count_tokens", headers=wire.headers())
    assert_error(delete, 405, "invalid_request_error", "Method Not Allowed")


def test_beta_query_is_accepted(wire: Wire) -> None:
    assert wire.post("/v1/messages?beta=true", hello()).status_code == 200
    counted = wire.post(
        "/v1/messages/count_tokens?beta=true", {"model": MODEL, "messages": [{"role": "user", "content": "hi"}]}
    )
    assert counted.status_code == 200
    assert wire.get("/v1/models?beta=true").status_code == 200


def test_body_over_32_mb_is_413(wire: Wire) -> None:
    body = json.dumps(hello()).encode()
    padded = body[:-1] + b',"metadata":{"user_id":"' + b"x" * (32 * 1024 * 1024) + b'"}}'
    response = wire.post("/v1/messages", content=padded)
    assert_error(response, 413, "request_too_large")
    counted = wire.post("/v1/messages/count_tokens", content=padded)
    assert_error(counted, 413, "request_too_large")


def test_a_large_body_under_the_limit_is_read(wire: Wire) -> None:
    text = "word " * (1024 * 1024)
    body = {"model": MODEL, "messages": [{"role": "user", "content": text}]}
    response = wire.post("/v1/messages/count_tokens", body)
    assert response.status_code == 200
    assert response.json()["input_tokens"] > 1024 * 1024


# ------------------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The request body is not valid JSON: "),
        (b"{", "The request body is not valid JSON: "),
        (b"not json", "The request body is not valid JSON: "),
        (b"[]", None),
        (b"null", None),
        (b'{"model": 5}', None),
    ],
)
def test_malformed_bodies_are_400(wire: Wire, content: bytes, message: str | None) -> None:
    body = assert_error(wire.post("/v1/messages", content=content), 400, "invalid_request_error")
    if message is not None:
        assert body["error"]["message"].startswith(message)


def test_missing_max_tokens(wire: Wire) -> None:
    body = hello()
    del body["max_tokens"]
    assert_error(wire.post("/v1/messages", body), 400, "invalid_request_error", "max_tokens: Field required")


def test_unknown_field(wire: Wire) -> None:
    assert_error(
        wire.post("/v1/messages", hello(colour="blue")),
        400,
        "invalid_request_error",
        "colour: Extra inputs are not permitted",
    )


def test_a_stream_request_rejected_before_streaming_gets_a_json_error(wire: Wire) -> None:
    response = wire.post("/v1/messages", hello(stream=True, temperature=0.5))
    assert_error(response, 400, "invalid_request_error", "temperature: Extra inputs are not permitted")
    assert response.headers["x-should-retry"] == "false"


NASTY: list[object] = [
    {"model": MODEL, "max_tokens": -1, "messages": [{"role": "user", "content": "x"}]},
    {"model": MODEL, "max_tokens": 10**30, "messages": [{"role": "user", "content": "x"}]},
    {"model": MODEL, "max_tokens": 10, "messages": []},
    {"model": MODEL, "max_tokens": 10, "messages": [{"role": "user", "content": []}]},
    {"model": MODEL, "max_tokens": 10, "messages": [{"role": "user", "content": [{"type": "text"}]}]},
    {"model": MODEL, "max_tokens": 10, "messages": [{"role": "robot", "content": "x"}]},
    {"model": MODEL, "max_tokens": 10, "messages": [{"role": "user", "content": [{"type": "image", "source": {}}]}]},
    {"model": MODEL, "max_tokens": 10, "messages": [{"role": "user", "content": "x"}], "tools": [{}]},
    {"model": MODEL, "max_tokens": 10, "messages": [{"role": "user", "content": "x"}], "tools": "nope"},
    {"model": MODEL, "max_tokens": 10, "messages": [{"role": "user", "content": "x"}], "stop_sequences": [""]},
    {"model": MODEL, "max_tokens": 10, "messages": [{"role": "user", "content": "\ud800"}]},
    {"model": "", "max_tokens": 10, "messages": [{"role": "user", "content": "x"}]},
    {"model": MODEL, "max_tokens": 10, "messages": "x", "system": 5},
    {"model": MODEL, "max_tokens": 10, "messages": [{"role": "user", "content": "x"}], "thinking": {"type": "x"}},
]


@pytest.mark.parametrize("body", NASTY, ids=range(len(NASTY)))
def test_bad_input_is_never_a_500(wire: Wire, body: object) -> None:
    for path in ("/v1/messages", "/v1/messages/count_tokens"):
        response = wire.post(path, body)
        assert 400 <= response.status_code < 500, response.text
        assert_error(response, response.status_code, response.json()["error"]["type"])


def test_models_query_errors(wire: Wire) -> None:
    assert_error(
        wire.get("/v1/models?limit=0"),
        400,
        "invalid_request_error",
        "limit: Input should be greater than or equal to 1",
    )
    assert_error(
        wire.get("/v1/models?limit=1001"),
        400,
        "invalid_request_error",
        "limit: Input should be less than or equal to 1000",
    )
    assert_error(wire.get("/v1/models?limit=abc"), 400, "invalid_request_error")


def test_models_pagination_fields(wire: Wire) -> None:
    page = wire.get("/v1/models?limit=2").json()
    assert set(page) == {"data", "has_more", "first_id", "last_id"}
    assert page["has_more"] is True
    assert [page["first_id"], page["last_id"]] == [model["id"] for model in page["data"]]
    after = wire.get(f"/v1/models?limit=2&after_id={page['last_id']}").json()
    before = wire.get(f"/v1/models?limit=2&before_id={after['first_id']}").json()
    assert before["data"] == page["data"]
    assert before["has_more"] is False
    empty = wire.get("/v1/models?after_id=claude-unknown").json()
    assert empty == {"data": [], "has_more": False, "first_id": None, "last_id": None}


def test_models_lifecycle_filter(wire: Wire) -> None:
    default = {model["id"] for model in wire.get("/v1/models?limit=1000").json()["data"]}
    retired = wire.get("/v1/models?limit=1000&lifecycle[]=retired").json()["data"]
    assert retired
    assert {model["lifecycle"] for model in retired} == {"retired"}
    assert default.isdisjoint(model["id"] for model in retired)
    both = wire.get("/v1/models?limit=1000&lifecycle[]=active&lifecycle[]=retired").json()["data"]
    assert {model["lifecycle"] for model in both} == {"active", "retired"}


# -------------------------------------------------------------------------------- records


def test_rejections_are_recorded(twin: TwinServer, wire: Wire, api_key: str, tenant: Tenant) -> None:
    unknown = wire.post(
        "/v1/messages", hello(), headers=wire.headers(auth=None, x_api_key="sk-ant-twin01-nobody-at-all-here-x")
    )
    ((event, data),) = request_events(twin, unknown.headers["request-id"])
    assert event.type == "operation.recorded"
    assert event.tenant_id == ""
    assert event.correlation_id == unknown.headers["request-id"]
    assert data["plane"] == "data"
    assert data["operation"] == "data.messages.create"
    assert data["outcome"] == "failure"
    assert data["reason"] == "authentication_error: invalid x-api-key"
    assert data["details"]["status"] == 401
    assert data["details"]["method"] == "POST"
    assert data["details"]["path"] == "/v1/messages"
    assert "nobody" not in json.dumps(data)  # the presented key is masked
    assert data["details"]["key_hint"] == "sk-ant-twin01-…re-x"

    invalid = wire.post("/v1/messages/count_tokens", {"model": MODEL})
    ((event, data),) = request_events(twin, invalid.headers["request-id"])
    assert event.tenant_id == tenant.tenant_id
    assert data["operation"] == "data.messages.count_tokens"
    assert data["reason"] == "invalid_request_error: messages: Field required"
    assert api_key not in json.dumps(data)

    missing = wire.get("/v1/models/claude-nope")
    ((event, data),) = request_events(twin, missing.headers["request-id"])
    assert data["operation"] == "data.models.get"
    assert data["reason"] == "not_found_error: model: claude-nope"


def test_accepted_calls_are_recorded(twin: TwinServer, wire: Wire, tenant: Tenant) -> None:
    streamed = wire.post("/v1/messages?beta=true", hello(stream=True), version=V2023)
    ((event, data),) = request_events(twin, streamed.headers["request-id"])
    assert event.type == "message.created"
    assert event.tenant_id == tenant.tenant_id
    assert data["stream"] is True
    assert data["api_version"] == V2023
    assert data["request"] == hello(stream=True)
    final = events_of(streamed.text)[0]["message"]
    assert data["response"]["id"] == final["id"] == data["message_id"]

    counted = wire.post(
        "/v1/messages/count_tokens",
        {"model": MODEL, "messages": [{"role": "user", "content": "hi"}]},
        anthropic_beta="token-counting-2024-11-01",
    )
    ((event, data),) = request_events(twin, counted.headers["request-id"])
    assert event.type == "tokens.counted"
    assert data["input_tokens"] == counted.json()["input_tokens"]
    assert data["betas"] == ["token-counting-2024-11-01"]

    listed = wire.get("/v1/models")
    ((event, data),) = request_events(twin, listed.headers["request-id"])
    assert (data["operation"], data["outcome"]) == ("data.models.list", "success")
    got = wire.get(f"/v1/models/{MODEL}")
    ((event, data),) = request_events(twin, got.headers["request-id"])
    assert (data["operation"], data["outcome"], data["resource"]) == (
        "data.models.get",
        "success",
        {"type": "model", "id": MODEL},
    )


def test_huge_integers_inside_raw_json_are_fine(wire: Wire) -> None:
    schema = {"type": "object", "properties": {"n": {"type": "integer", "maximum": 10**20}}}
    tools = [{"name": "count", "description": "Count", "input_schema": schema}]
    response = wire.post("/v1/messages", hello(tools=tools))
    assert response.status_code == 200, response.text


def test_paced_answers_have_the_same_bytes(wire: Wire) -> None:
    timing = {"x_twin_timing": "ttft_ms=5,tps=100000"}
    plain, paced = wire.post("/v1/messages", hello()).json(), wire.post("/v1/messages", hello(), **timing).json()
    assert {**plain, "id": ""} == {**paced, "id": ""}
    streamed = events_of(wire.post("/v1/messages", hello(stream=True), **timing).text)
    unpaced = events_of(wire.post("/v1/messages", hello(stream=True)).text)
    for event in (streamed[0], unpaced[0]):
        event["message"]["id"] = ""
    assert streamed == unpaced


def test_bad_timing_header_is_400(wire: Wire) -> None:
    body = assert_error(wire.post("/v1/messages", hello(), x_twin_timing="ttft_ms=soon"), 400, "invalid_request_error")
    assert "x-twin-timing" in body["error"]["message"]


def test_browsers_get_cors(wire: Wire) -> None:
    preflight = wire.http.options(
        "/v1/messages",
        headers={
            "origin": "http://localhost:5173",
            "access-control-request-method": "POST",
            "access-control-request-headers": "anthropic-dangerous-direct-browser-access,x-api-key,anthropic-version",
        },
    )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "http://localhost:5173"
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "x-api-key" in preflight.headers["access-control-allow-headers"]
    headers = wire.headers(origin="http://localhost:5173", anthropic_dangerous_direct_browser_access="true")
    for response in (
        wire.post("/v1/messages", hello(), headers=headers),
        wire.post("/v1/messages", hello(stream=True), headers=headers),
        wire.post("/v1/messages", hello(model="claude-nope"), headers=headers),
    ):
        assert response.headers["access-control-allow-origin"] == "http://localhost:5173"
        assert "request-id" in response.headers["access-control-expose-headers"]
    assert "access-control-allow-origin" not in wire.post("/v1/messages", hello()).headers
    assert wire.http.options("/v1/nothing").status_code == 404
