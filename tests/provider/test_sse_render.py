"""The SSE renderer on every block type, read back by the SDK's own stream accumulator.

The model may answer with thinking (chunks, then one signature), text with citations, tool use
(partial JSON chunks), server tool use and redacted thinking; the renderer must stream each
generically from its BlockPlan, and the SDK must accumulate the stream to the JSON message.
"""

from __future__ import annotations

import json
from typing import Any

import anthropic
import pytest
from anthropic.lib.streaming._messages import accumulate_event

from twin.api.provider.sse import delta_frames, render_stream
from twin.domain.completion import BlockPlan, Completion
from twin.wire.encode import encode, sse_event
from twin.wire.events import ContentBlockDelta, InputJSONDelta, TextDelta, ThinkingDelta
from twin.wire.params import CharLocationCitation
from twin.wire.response import (
    OutputTokensDetails,
    RedactedThinkingBlock,
    ServerToolUseBlock,
    TextBlock,
    ThinkingBlock,
    ToolUseBlock,
    Usage,
)

from .helpers import parse_sse

CITATION = CharLocationCitation(
    cited_text="Paris is the capital", document_index=0, document_title="Atlas", start_char_index=0, end_char_index=21
)
TOOL_INPUT = {"city": "Paris", "days": [1, 2], "units": {"temp": "C"}}
TOOL_JSON = json.dumps(TOOL_INPUT)

PLANS = (
    BlockPlan(
        ThinkingBlock(thinking="Let me think it through.", signature="EvQBsig=="), ("Let me", " think it through.")
    ),
    BlockPlan(RedactedThinkingBlock(data="ENCRYPTED")),
    BlockPlan(TextBlock(text="Paris is the capital.", citations=[CITATION]), ("Paris", " is the", " capital.")),
    BlockPlan(TextBlock(text="Checking the weather."), ("Checking the weather.",)),
    BlockPlan(
        ServerToolUseBlock(id="srvtoolu_011CAbc", name="web_search", input={"query": "paris"}),
        ("", '{"query": "pa', 'ris"}'),
    ),
    BlockPlan(
        ToolUseBlock(id="toolu_011CAbcdefghijkmnopqrstuv", name="get_weather", input=TOOL_INPUT),
        ("", TOOL_JSON[:7], TOOL_JSON[7:19], TOOL_JSON[19:]),
    ),
)
USAGE = Usage(
    input_tokens=321,
    cache_creation_input_tokens=100,
    cache_read_input_tokens=50,
    output_tokens=77,
    output_tokens_details=OutputTokensDetails(thinking_tokens=12),
)


def _completion(plans: tuple[BlockPlan, ...] = PLANS, stop_reason: Any = "tool_use") -> Completion:
    return Completion(plans, stop_reason, None, USAGE)


def _render(completion: Completion) -> tuple[list[tuple[str, dict[str, Any]]], str, Any]:
    message = completion.message(message_id="msg_011CAbcdefghijkmnopqrstu", model="claude-opus-4-8")
    encoded = render_stream(message, completion)
    assert encoded[0].startswith(b"event: message_start\n")
    raw = b"".join(encoded).decode()
    return [(name, json.loads(data)) for name, data in parse_sse(raw)], raw, message


def test_sdk_accumulates_every_block_type_to_the_json_message() -> None:
    frames, _, message = _render(_completion())
    snapshot = None
    json_bufs: dict[int, bytes] = {}
    for name, data in frames:
        assert data["type"] == name
        if name == "ping":
            continue
        snapshot = accumulate_event(event=data, current_snapshot=snapshot, json_bufs=json_bufs)  # type: ignore[arg-type]
    assert snapshot is not None
    expected = anthropic.types.Message.model_validate(json.loads(encode(message)))
    got = anthropic.types.Message.model_validate(json.loads(snapshot.to_json()))
    assert got.model_dump(exclude_none=True) == expected.model_dump(exclude_none=True)
    assert got.content[-1].input == TOOL_INPUT  # type: ignore[union-attr]


def test_blocks_start_empty() -> None:
    frames, _, _ = _render(_completion())
    starts = [data["content_block"] for name, data in frames if name == "content_block_start"]
    assert starts[0] == {"type": "thinking", "thinking": "", "signature": ""}
    assert starts[1] == {"type": "redacted_thinking", "data": "ENCRYPTED"}  # no deltas: complete at start
    assert starts[2] == {"type": "text", "text": "", "citations": []}
    assert starts[3] == {"type": "text", "text": ""}
    assert starts[4]["input"] == {}
    assert starts[5] == {
        "type": "tool_use",
        "id": "toolu_011CAbcdefghijkmnopqrstuv",
        "name": "get_weather",
        "input": {},
        "caller": {"type": "direct"},
    }


def test_signature_comes_once_after_the_thinking_chunks() -> None:
    frames, _, _ = _render(_completion())
    deltas = [data["delta"] for name, data in frames if name == "content_block_delta" and data["index"] == 0]
    assert [delta["type"] for delta in deltas] == ["thinking_delta", "thinking_delta", "signature_delta"]
    assert deltas[-1]["signature"] == "EvQBsig=="


def test_tool_input_fragments_concatenate_to_the_input() -> None:
    frames, _, _ = _render(_completion())
    fragments = [
        data["delta"]["partial_json"] for name, data in frames if name == "content_block_delta" and data["index"] == 5
    ]
    assert fragments[0] == ""
    assert json.loads("".join(fragments)) == TOOL_INPUT


def test_indices_ping_and_final_usage() -> None:
    frames, raw, _ = _render(_completion())
    names = [name for name, _ in frames]
    assert names[:3] == ["message_start", "content_block_start", "ping"]
    assert names[-2:] == ["message_delta", "message_stop"]
    indices = [data["index"] for name, data in frames if name == "content_block_start"]
    assert indices == list(range(len(PLANS)))
    start = frames[0][1]["message"]
    assert start["content"] == []
    assert start["stop_reason"] is None
    assert start["usage"]["input_tokens"] == 321
    assert start["usage"]["cache_read_input_tokens"] == 50
    assert start["usage"]["output_tokens"] == 1
    delta = frames[-2][1]
    assert delta["delta"] == {"stop_reason": "tool_use", "stop_sequence": None, "stop_details": None}
    assert delta["usage"]["output_tokens"] == 77
    assert delta["usage"]["input_tokens"] == 321  # present, so the SDK does not wipe it
    assert delta["usage"]["cache_creation_input_tokens"] == 100
    assert delta["usage"]["output_tokens_details"] == {"thinking_tokens": 12}
    assert raw.count('data: {"type": "ping"}') == 1


@pytest.mark.parametrize("stop_reason", ["max_tokens", "end_turn"])
def test_empty_content_streams_a_valid_message(stop_reason: str) -> None:
    frames, _, message = _render(_completion((), stop_reason))
    names = [name for name, _ in frames]
    assert names == ["message_start", "ping", "message_delta", "message_stop"]
    snapshot = None
    for name, data in frames:
        if name != "ping":
            snapshot = accumulate_event(event=data, current_snapshot=snapshot, json_bufs={})  # type: ignore[arg-type]
    assert snapshot is not None
    assert snapshot.content == []
    assert snapshot.stop_reason == stop_reason
    assert message.content == []


@pytest.mark.parametrize(
    ("kind", "field", "struct"),
    [
        ("text_delta", "text", TextDelta),
        ("thinking_delta", "thinking", ThinkingDelta),
        ("input_json_delta", "partial_json", InputJSONDelta),
    ],
)
def test_fast_delta_frames_equal_the_struct_encoding(kind: str, field: str, struct: Any) -> None:
    chunks = (
        "",
        "plain",
        ' "quoted" ',
        "back\\slash",
        "new\nline\ttab",
        "ünïcödé ☃ 😀",
        "\u2028\x00\x1f",
        '{"a": [1, 2]}',
    )
    for index in (0, 7, 123):
        expected = [sse_event(ContentBlockDelta(index=index, delta=struct(**{field: chunk}))) for chunk in chunks]
        assert delta_frames(index, kind, field, chunks) == expected
