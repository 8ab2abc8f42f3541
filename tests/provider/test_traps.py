"""The reference's "Fidelity traps" (§17), one test each, against the real server.

Numbers follow the reference. Not here: 15 (batches, not part of this surface), 21 (a
client-side guard), 23 (structured outputs: the model's job, tested in tests/domain). Traps on
block types the model may or may not produce for a given request (thinking, tool use) are also
checked on synthetic completions in test_sse_render.py.
"""

from __future__ import annotations

import json
from typing import Any

import anthropic
import pytest

from tests.support.server import TwinServer

from .helpers import ID_SUFFIX, MODEL, V2023, Wire, assert_error, events_of, hello

# ---------------------------------------------------------------------------------- helpers


def _stream(wire: Wire, body: dict[str, Any], **headers: Any) -> list[dict[str, Any]]:
    response = wire.post("/v1/messages", {**body, "stream": True}, **headers)
    assert response.status_code == 200, response.text
    return events_of(response.text)


def _text(message: dict[str, Any]) -> str:
    return "".join(block["text"] for block in message["content"] if block["type"] == "text")


WEATHER_TOOL = {
    "name": "get_weather",
    "description": "The weather in a city",
    "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
}
#: thinking, text and a tool call in one answer
RICH = hello(
    max_tokens=500,
    thinking={"type": "adaptive", "display": "summarized"},
    tools=[WEATHER_TOOL],
    messages=[{"role": "user", "content": "What is the weather in Paris? Use the tool."}],
)

# ------------------------------------------------------------------------------------ traps


def test_trap_01_bearer_and_x_api_key(wire: Wire) -> None:
    assert wire.post("/v1/messages", hello(), auth="bearer").status_code == 200
    assert wire.post("/v1/messages", hello(), auth="x-api-key").status_code == 200
    # with both, x-api-key is the one that counts
    both = wire.headers(auth="x-api-key", authorization="Bearer sk-ant-twin01-garbage")
    assert wire.post("/v1/messages", hello(), headers=both).status_code == 200
    wrong_key = wire.headers(auth="bearer", x_api_key="sk-ant-twin01-garbage")
    assert_error(
        wire.post("/v1/messages", hello(), headers=wrong_key), 401, "authentication_error", "invalid x-api-key"
    )


def test_trap_02_version_gating(wire: Wire) -> None:
    for field, value in (("temperature", 1.0), ("top_p", 1.0), ("top_k", 5)):
        assert_error(
            wire.post("/v1/messages", hello(**{field: value})),
            400,
            "invalid_request_error",
            f"{field}: Extra inputs are not permitted",
        )
        counted = {"model": MODEL, "messages": [{"role": "user", "content": "x"}], field: value}
        assert wire.post("/v1/messages/count_tokens", counted).status_code == 400
    legacy = hello(model="claude-haiku-4-5", temperature=0.5, top_k=40)
    assert wire.post("/v1/messages", legacy, version=V2023).status_code == 200
    assert_error(
        wire.post("/v1/messages", hello(shiny=True)),
        400,
        "invalid_request_error",
        "shiny: Extra inputs are not permitted",
    )
    managed = hello(context_management={"edits": [{"type": "clear_thinking_20251015", "keep": "all"}]})
    assert_error(
        wire.post("/v1/messages", managed),
        400,
        "invalid_request_error",
        "context_management: Extra inputs are not permitted",
    )
    assert wire.post("/v1/messages", managed, anthropic_beta="context-management-2025-06-27").status_code == 200


def test_trap_03_beta_query_and_beta_lists(wire: Wire) -> None:
    managed = hello(context_management={"edits": [{"type": "clear_thinking_20251015", "keep": "all"}]})
    assert wire.post("/v1/messages?beta=true", hello()).status_code == 200
    listed = "claude-code-20250219, context-management-2025-06-27 ,interleaved-thinking-2025-05-14"
    assert wire.post("/v1/messages?beta=true", managed, anthropic_beta=listed).status_code == 200
    # several anthropic-beta headers are merged
    headers = [(name, value) for name, value in wire.headers().items()]
    headers += [("anthropic-beta", "claude-code-20250219"), ("anthropic-beta", "context-management-2025-06-27")]
    response = wire.http.post("/v1/messages", content=json.dumps(managed), headers=headers)
    assert response.status_code == 200, response.text


def test_trap_04_every_event_is_named_and_typed(wire: Wire) -> None:
    response = wire.post("/v1/messages", hello(stream=True))
    frames = response.text.split("\n\n")[:-1]
    assert frames
    for frame in frames:
        event_line, data_line = frame.split("\n")
        name = event_line.removeprefix("event: ")
        assert event_line != name
        assert json.loads(data_line.removeprefix("data: "))["type"] == name


def test_trap_05_message_start_is_a_full_message(wire: Wire) -> None:
    start = _stream(wire, hello())[0]
    message = start["message"]
    assert list(message)[:5] == ["model", "id", "type", "role", "content"]
    assert message["content"] == []
    assert message["stop_reason"] is None
    assert message["stop_sequence"] is None
    assert message["type"] == "message"
    assert message["role"] == "assistant"
    usage = message["usage"]
    assert usage["input_tokens"] > 0
    assert usage["output_tokens"] >= 1
    assert {"cache_creation_input_tokens", "cache_read_input_tokens", "service_tier"} <= set(usage)


def test_trap_06_blocks_start_empty(wire: Wire) -> None:
    empty = {"text": {"text": ""}, "thinking": {"thinking": "", "signature": ""}, "tool_use": {"input": {}}}
    starts = [event["content_block"] for event in _stream(wire, RICH) if event["type"] == "content_block_start"]
    assert {"thinking", "text", "tool_use"} <= {block["type"] for block in starts}
    for block in starts:
        for key, value in empty[block["type"]].items():
            assert block[key] == value, block


def test_trap_07_indices_are_contiguous_and_sequential(wire: Wire) -> None:
    events = _stream(wire, RICH)
    expected, open_index = 0, None
    for event in events:
        if event["type"] == "content_block_start":
            assert (open_index, event["index"]) == (None, expected)
            open_index = expected
        elif event["type"] in ("content_block_delta", "content_block_stop"):
            assert event["index"] == open_index
            if event["type"] == "content_block_stop":
                open_index, expected = None, expected + 1
    assert expected >= 3


def test_trap_08_ping_after_the_first_block_start(wire: Wire) -> None:
    names = [event["type"] for event in _stream(wire, hello())]
    assert names.index("ping") == names.index("content_block_start") + 1
    assert names.count("ping") == 1


def test_trap_09_tool_input_fragments_are_valid_json(wire: Wire) -> None:
    events = _stream(wire, RICH)
    buffers: dict[int, str] = {}
    tools: dict[int, dict[str, Any]] = {}
    for event in events:
        if event["type"] == "content_block_start" and event["content_block"]["type"] == "tool_use":
            tools[event["index"]] = event["content_block"]
        if event["type"] == "content_block_delta" and event["delta"]["type"] == "input_json_delta":
            buffers[event["index"]] = buffers.get(event["index"], "") + event["delta"]["partial_json"]
    assert tools
    final = wire.post("/v1/messages", RICH).json()
    inputs = [block["input"] for block in final["content"] if block["type"] == "tool_use"]
    assert [json.loads(buffers[index]) for index in sorted(tools)] == inputs
    assert final["stop_reason"] == "tool_use"  # trap 11: a turn ending in tool calls


def test_trap_10_message_delta_usage_is_cumulative(wire: Wire) -> None:
    events = _stream(wire, hello())
    final = wire.post("/v1/messages", hello()).json()
    start, delta = events[0]["message"], events[-2]
    assert delta["type"] == "message_delta"
    assert delta["usage"]["output_tokens"] == final["usage"]["output_tokens"]
    assert delta["usage"]["input_tokens"] == start["usage"]["input_tokens"] == final["usage"]["input_tokens"]
    assert delta["delta"]["stop_reason"] == final["stop_reason"]
    assert "stop_sequence" in delta["delta"]
    assert delta["delta"]["stop_details"] is None


def test_trap_11_stop_reasons(wire: Wire) -> None:
    cut = wire.post("/v1/messages", hello(max_tokens=3)).json()
    assert cut["stop_reason"] == "max_tokens"
    assert 1 <= cut["usage"]["output_tokens"] <= 3
    candidates = ["\u2603", " the", " request", "."]
    stopped = wire.post("/v1/messages", hello(max_tokens=500, stop_sequences=candidates)).json()
    assert stopped["stop_reason"] == "stop_sequence"
    assert stopped["stop_sequence"] in candidates
    text = _text(stopped)
    assert all(candidate not in text for candidate in candidates)  # the first match ends it, unincluded
    streamed = _stream(wire, hello(max_tokens=500, stop_sequences=candidates))
    assert streamed[-2]["delta"]["stop_reason"] == "stop_sequence"
    assert streamed[-2]["delta"]["stop_sequence"] == stopped["stop_sequence"]


def test_trap_12_empty_content_is_a_valid_answer(wire: Wire, client: anthropic.Anthropic) -> None:
    empty = wire.post("/v1/messages", hello(max_tokens=0)).json()
    assert empty["content"] == []
    assert empty["stop_reason"] == "max_tokens"
    names = [event["type"] for event in _stream(wire, hello(max_tokens=0))]
    assert names == ["message_start", "ping", "message_delta", "message_stop"]
    with client.messages.stream(model=MODEL, max_tokens=0, messages=[{"role": "user", "content": "x"}]) as stream:
        assert stream.get_final_message().content == []


def test_trap_12_empty_input_text_blocks_are_rejected(wire: Wire) -> None:
    body = hello(messages=[{"role": "user", "content": [{"type": "text", "text": ""}]}])
    assert_error(
        wire.post("/v1/messages", body), 400, "invalid_request_error", "messages: text content blocks must be non-empty"
    )


def test_trap_13_errors_before_a_stream_are_plain_http_errors(wire: Wire) -> None:
    response = wire.post("/v1/messages", hello(stream=True, model="claude-nope-1"))
    assert_error(response, 404, "not_found_error", "model: claude-nope-1")
    unauthorised = wire.post("/v1/messages", hello(stream=True), auth=None)
    assert_error(unauthorised, 401, "authentication_error")


def test_trap_14_validation_errors_are_not_retried(twin: TwinServer, api_key: str) -> None:
    sent: list[Any] = []
    http = anthropic.DefaultHttpxClient(event_hooks={"request": [sent.append]})
    sdk = anthropic.Anthropic(api_key=api_key, base_url=twin.base_url, http_client=http)  # 2 retries by default
    with sdk, pytest.raises(anthropic.NotFoundError) as caught:
        sdk.messages.create(model="claude-nope-2", max_tokens=5, messages=[{"role": "user", "content": "x"}])
    assert caught.value.response.headers["x-should-retry"] == "false"
    assert "retry-after" not in caught.value.response.headers
    assert len(sent) == 1


def test_trap_16_pagination_fields_always_present(wire: Wire) -> None:
    for query in ("", "?limit=1", "?after_id=claude-unknown", "?limit=1000"):
        page = wire.get(f"/v1/models{query}").json()
        assert {"data", "has_more", "first_id", "last_id"} <= set(page)
        assert isinstance(page["has_more"], bool)
        if not page["data"]:
            assert page["first_id"] is None
            assert page["last_id"] is None


def test_trap_17_bracketed_array_queries(wire: Wire) -> None:
    retired = wire.get("/v1/models?lifecycle[]=retired&limit=1000").json()["data"]
    assert retired
    assert all(model["lifecycle"] == "retired" for model in retired)
    encoded = wire.get("/v1/models?lifecycle%5B%5D=retired&limit=1000").json()["data"]
    assert encoded == retired


def test_trap_18_id_formats(wire: Wire) -> None:
    response = wire.post("/v1/messages", hello())
    message = response.json()
    for value, prefix in ((message["id"], "msg_"), (response.headers["request-id"], "req_")):
        assert value.startswith(prefix)
        assert ID_SUFFIX.match(value[len(prefix) :]), value


def test_trap_19_request_id_on_every_response(wire: Wire) -> None:
    for response in (
        wire.post("/v1/messages", hello()),
        wire.post("/v1/messages", hello(stream=True)),
        wire.post("/v1/messages", hello(max_tokens="many")),
        wire.post("/v1/messages", hello(), auth=None),
        wire.get("/v1/models"),
        wire.get("/v1/unknown"),
        wire.http.put("/v1/messages", headers=wire.headers()),
    ):
        request_id = response.headers["request-id"]
        assert request_id.startswith("req_")
        if response.status_code >= 400:
            assert response.json()["request_id"] == request_id


def test_trap_20_stream_content_type(wire: Wire) -> None:
    assert wire.post("/v1/messages", hello(stream=True)).headers["content-type"].startswith("text/event-stream")
    assert wire.post("/v1/messages", hello()).headers["content-type"] == "application/json"


def test_trap_22_thinking_budget_rules(wire: Wire) -> None:
    model = "claude-haiku-4-5"
    too_big = hello(model=model, max_tokens=2000, thinking={"type": "enabled", "budget_tokens": 2000})
    body = assert_error(wire.post("/v1/messages", too_big), 400, "invalid_request_error")
    assert body["error"]["message"].startswith("`max_tokens` must be greater than `thinking.budget_tokens`")
    too_small = hello(model=model, max_tokens=2000, thinking={"type": "enabled", "budget_tokens": 100})
    assert_error(wire.post("/v1/messages", too_small), 400, "invalid_request_error")
    fine = wire.post(
        "/v1/messages", hello(model=model, max_tokens=3000, thinking={"type": "enabled", "budget_tokens": 1024})
    )
    assert fine.status_code == 200, fine.text
    usage = fine.json()["usage"]
    assert usage["output_tokens_details"]["thinking_tokens"] <= usage["output_tokens"]


def test_trap_24_same_role_messages_are_merged(wire: Wire) -> None:
    body = hello(
        messages=[
            {"role": "user", "content": "First part."},
            {"role": "user", "content": "Second part."},
            {"role": "assistant", "content": "Noted."},
            {"role": "assistant", "content": "Anything else?"},
            {"role": "user", "content": "Yes, one more."},
        ]
    )
    assert wire.post("/v1/messages", body).status_code == 200


def test_trap_25_key_order_and_compact_json(wire: Wire) -> None:
    raw = wire.post("/v1/messages", hello()).text
    assert raw.startswith('{"model":"' + MODEL + '","id":"msg_')
    assert ", " not in raw.split('"content"')[0]
