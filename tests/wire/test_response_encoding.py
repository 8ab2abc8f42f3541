"""Response encoding: real key order, omitted-unless-applicable fields, and the SDK reading it all."""

from __future__ import annotations

import anthropic
import httpx2
import pytest
from anthropic.types import Message as SDKMessage
from anthropic.types import MessageTokensCount as SDKTokensCount
from anthropic.types import ModelInfo as SDKModelInfo
from msgspec import UNSET

from tests.wire.helpers import sample_message, sdk_client
from twin.wire import errors
from twin.wire.encode import encode, sse_event, sse_frame
from twin.wire.events import (
    PING_DATA,
    ContentBlockDelta,
    ContentBlockStart,
    ContentBlockStop,
    ErrorEvent,
    InputJSONDelta,
    MessageDelta,
    MessageDeltaBody,
    MessageDeltaUsage,
    MessageStart,
    MessageStop,
    Ping,
    SignatureDelta,
    StreamEvent,
    TextDelta,
    ThinkingDelta,
)
from twin.wire.models import ModelsPage
from twin.wire.response import (
    ContainerInfo,
    ErrorBody,
    Message,
    MessageTokensCount,
    RefusalStopDetails,
    ServerToolUsage,
    TextBlock,
    ThinkingBlock,
    ToolUseBlock,
    Usage,
    error_envelope,
)

#: A real non-streaming body (reference §6: a byte-for-byte 2026 capture).
REAL_2026_BODY = (
    b'{"model":"claude-opus-4-8","id":"msg_011CdQ3yemAxSE8oJ3n9XtDa","type":"message","role":"assistant",'
    b'"content":[{"type":"text","text":"OK"}],"stop_reason":"end_turn","stop_sequence":null,"stop_details":null,'
    b'"usage":{"input_tokens":16,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,'
    b'"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},"output_tokens":4,'
    b'"output_tokens_details":{"thinking_tokens":0},"service_tier":"standard","inference_geo":"global"}}'
)


def test_message_matches_a_real_2026_body_byte_for_byte() -> None:
    assert encode(sample_message()) == REAL_2026_BODY


def test_optional_fields_appear_only_when_set() -> None:
    message = sample_message()
    message.container = None
    message.usage.server_tool_use = ServerToolUsage(web_search_requests=1)
    message.usage.speed = "fast"
    out = encode(message)
    assert b'"content":[{"type":"text","text":"OK"}],"container":null,"stop_reason"' in out
    assert b'"output_tokens_details":{"thinking_tokens":0},"server_tool_use":{"web_search_requests":1,' in out
    assert out.endswith(b'"inference_geo":"global","speed":"fast"}}')
    message.container = ContainerInfo(id="container_011", expires_at="2026-11-22T01:00:00Z")
    assert b'"container":{"id":"container_011","expires_at":"2026-11-22T01:00:00Z"}' in encode(message)
    assert encode(TextBlock(text="x", citations=None)) == b'{"type":"text","text":"x","citations":null}'
    assert encode(TextBlock(text="x")) == b'{"type":"text","text":"x"}'


def test_content_block_shapes() -> None:
    assert encode(ToolUseBlock(id="toolu_01", name="Bash", input={"command": "ls"})) == (
        b'{"type":"tool_use","id":"toolu_01","name":"Bash","input":{"command":"ls"},"caller":{"type":"direct"}}'
    )
    assert (
        encode(ThinkingBlock(thinking="", signature="EvQB")) == b'{"type":"thinking","thinking":"","signature":"EvQB"}'
    )
    assert encode(ToolUseBlock(id="t", name="n", input={}, caller=UNSET)) == (
        b'{"type":"tool_use","id":"t","name":"n","input":{}}'
    )


def test_the_sdk_parses_our_message_with_every_usage_field() -> None:
    message = sample_message()
    message.content = [
        ThinkingBlock(thinking="", signature="sig"),
        TextBlock(text="Calling a tool."),
        ToolUseBlock(id="toolu_01A", name="get_weather", input={"city": "Paris"}),
    ]
    message.stop_reason = "tool_use"
    message.usage = Usage(input_tokens=10, output_tokens=5, server_tool_use=ServerToolUsage(), speed="standard")
    parsed = SDKMessage.model_validate_json(encode(message))
    assert parsed.model_extra in ({}, None)
    assert parsed.usage.model_extra in ({}, None)
    assert parsed.usage.cache_creation is not None
    assert parsed.usage.output_tokens_details is not None
    assert parsed.usage.inference_geo == "global"
    assert parsed.content[2].type == "tool_use"
    assert parsed.content[2].caller is not None


def test_refusal_and_count_tokens() -> None:
    message = sample_message()
    message.stop_reason = "refusal"
    message.stop_details = RefusalStopDetails(category="cyber", explanation="no")
    assert b'"stop_details":{"type":"refusal","category":"cyber","explanation":"no"}' in encode(message)
    assert SDKMessage.model_validate_json(encode(message)).stop_details is not None
    assert encode(MessageTokensCount(input_tokens=42)) == b'{"input_tokens":42}'
    assert SDKTokensCount.model_validate_json(encode(MessageTokensCount(input_tokens=42))).input_tokens == 42


def test_error_envelope() -> None:
    envelope = error_envelope(
        "invalid_request_error", "max_tokens: Field required", request_id="req_011CaS5ppDmw1XMSPZrr1DPU"
    )
    assert encode(envelope) == (
        b'{"type":"error","error":{"type":"invalid_request_error","message":"max_tokens: Field required"},'
        b'"request_id":"req_011CaS5ppDmw1XMSPZrr1DPU"}'
    )
    with_code = error_envelope(
        "invalid_request_error", "tools: Tool names must be unique.", error_code="tool_name_conflict"
    )
    assert encode(with_code) == (
        b'{"type":"error","error":{"type":"invalid_request_error",'
        b'"message":"tools: Tool names must be unique.",'
        b'"details":{"error_code":"tool_name_conflict"}}}'
    )


@pytest.mark.parametrize(
    ("error", "exception"),
    [
        (errors.invalid_request("max_tokens: Field required"), anthropic.BadRequestError),
        (errors.authentication(), anthropic.AuthenticationError),
        (errors.permission("no"), anthropic.PermissionDeniedError),
        (errors.not_found("model: claude-3-5-haiku-20241022"), anthropic.NotFoundError),
        (errors.request_too_large(), anthropic.RequestTooLargeError),
        (errors.rate_limit("slow down"), anthropic.RateLimitError),
        (errors.api_error(), anthropic.InternalServerError),
        (errors.overloaded(), anthropic.OverloadedError),
        (
            errors.invalid_request("tools: Tool names must be unique.", "tool_name_conflict"),
            anthropic.BadRequestError,
        ),
    ],
)
def test_the_sdk_maps_our_errors_to_its_classes(error: errors.ApiError, exception: type[Exception]) -> None:
    def respond(request: httpx2.Request) -> httpx2.Response:
        envelope = error_envelope(error.error_type, error.message, request_id="req_011", error_code=error.error_code)
        return httpx2.Response(error.status, content=encode(envelope), headers={"request-id": "req_011"})

    with sdk_client() as (client, recorder):
        recorder.respond = respond
        with pytest.raises(exception) as info:
            client.messages.create(model="claude-opus-4-8", max_tokens=10, messages=[{"role": "user", "content": "hi"}])
    status_error = info.value
    assert isinstance(status_error, anthropic.APIStatusError)
    assert status_error.status_code == error.status
    assert status_error.body == {
        "type": "error",
        "error": {
            "type": error.error_type,
            "message": error.message,
            **({"details": {"error_code": error.error_code}} if error.error_code else {}),
        },
        "request_id": "req_011",
    }
    assert status_error.request_id == "req_011"
    if error.error_code:
        assert status_error.error_code == error.error_code
        assert type(status_error).__name__ == "ToolNameConflictError"


def _stream_events() -> list[StreamEvent]:
    start = sample_message()
    start.content = []
    start.stop_reason = None
    start.usage = Usage(input_tokens=11, output_tokens=1)
    return [
        MessageStart(message=start),
        ContentBlockStart(index=0, content_block=ThinkingBlock(thinking="", signature="")),
        Ping(),
        ContentBlockDelta(index=0, delta=ThinkingDelta(thinking="Let me think.")),
        ContentBlockDelta(index=0, delta=SignatureDelta(signature="EvQB")),
        ContentBlockStop(index=0),
        ContentBlockStart(index=1, content_block=TextBlock(text="")),
        ContentBlockDelta(index=1, delta=TextDelta(text="Hello")),
        ContentBlockDelta(index=1, delta=TextDelta(text=", world")),
        ContentBlockStop(index=1),
        ContentBlockStart(index=2, content_block=ToolUseBlock(id="toolu_01", name="get_weather", input={})),
        ContentBlockDelta(index=2, delta=InputJSONDelta(partial_json="")),
        ContentBlockDelta(index=2, delta=InputJSONDelta(partial_json='{"city": "Pa')),
        ContentBlockDelta(index=2, delta=InputJSONDelta(partial_json='ris"}')),
        ContentBlockStop(index=2),
        MessageDelta(delta=MessageDeltaBody(stop_reason="tool_use"), usage=MessageDeltaUsage(output_tokens=21)),
        MessageStop(),
    ]


def test_sse_frames() -> None:
    assert sse_event(Ping()) == b'event: ping\ndata: {"type": "ping"}\n\n'
    assert PING_DATA == b'{"type": "ping"}'
    assert sse_event(ContentBlockStart(index=0, content_block=TextBlock(text=""))) == (
        b'event: content_block_start\ndata: {"type":"content_block_start","index":0,'
        b'"content_block":{"type":"text","text":""}}\n\n'
    )
    delta = MessageDelta(delta=MessageDeltaBody(stop_reason="end_turn"), usage=MessageDeltaUsage(output_tokens=6))
    assert sse_event(delta) == (
        b'event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn",'
        b'"stop_sequence":null},"usage":{"output_tokens":6}}\n\n'
    )
    assert sse_event(MessageStop()) == b'event: message_stop\ndata: {"type":"message_stop"}\n\n'
    error = ErrorEvent(error=ErrorBody(type="overloaded_error", message="Overloaded"))
    assert sse_event(error) == (
        b'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n'
    )
    assert sse_frame("x", b"{}") == b"event: x\ndata: {}\n\n"


def test_the_sdk_accumulates_our_stream() -> None:
    stream_body = b"".join(sse_event(event) for event in _stream_events())

    def respond(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, content=stream_body, headers={"content-type": "text/event-stream; charset=utf-8"})

    with sdk_client() as (client, recorder):
        recorder.respond = respond
        with client.messages.stream(
            model="claude-opus-4-8", max_tokens=100, messages=[{"role": "user", "content": "hi"}]
        ) as stream:
            text = "".join(stream.text_stream)
            final = stream.get_final_message()
    assert text == "Hello, world"
    assert [block.type for block in final.content] == ["thinking", "text", "tool_use"]
    assert final.content[0].signature == "EvQB"  # type: ignore[union-attr]
    assert final.content[2].input == {"city": "Paris"}  # type: ignore[union-attr]
    assert final.stop_reason == "tool_use"
    assert final.usage.output_tokens == 21
    assert final.usage.input_tokens == 11


def test_models_page_and_info_parse_in_the_sdk() -> None:
    from twin.domain.catalog import list_models, model_info

    page = ModelsPage(data=[model_info(spec) for spec in list_models()[:2]], has_more=True, first_id="a", last_id="b")
    data = encode(page)
    assert data.startswith(b'{"data":[{"type":"model","id":')
    assert data.endswith(b'"has_more":true,"first_id":"a","last_id":"b"}')
    for info in page.data:
        parsed = SDKModelInfo.model_validate_json(encode(info))
        assert parsed.capabilities is not None
        assert parsed.model_extra in ({}, None)
        assert parsed.capabilities.model_extra in ({}, None)


def test_message_type_is_always_message() -> None:
    message = Message(model="m", id="msg_1", content=[], stop_reason=None, usage=Usage(input_tokens=1, output_tokens=1))
    assert encode(message).startswith(b'{"model":"m","id":"msg_1","type":"message","role":"assistant","content":[],')
