"""Request shapes as the official SDK (2.12.0) serializes them: all decode and validate.

The SDK is pointed at an in-process mock transport; the bytes it would have sent are fed
to the decoder exactly as they are (compact JSON, keys in parameter order).
"""

from __future__ import annotations

import base64
from typing import Any

import pydantic
import pytest
from anthropic.types import Message as SDKMessage

from tests.wire.helpers import V2026, sdk_client
from twin.domain.validation import Conversation, validate_count_tokens_request, validate_messages_request
from twin.wire.decode import decode_count_tokens_request, decode_messages_request
from twin.wire.params import DocumentParam, ImageParam, SearchResultParam
from twin.wire.tools import CustomTool, Toolset
from twin.wire.versions import parse_betas

PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(24)).decode()
PDF = base64.b64encode(b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n").decode()
HELLO: list[Any] = [{"role": "user", "content": "Hello, Claude"}]
WEATHER_TOOL: dict[str, Any] = {
    "name": "get_weather",
    "description": "Get the weather for a city.",
    "input_schema": {
        "type": "object",
        "properties": {"city": {"type": "string"}, "unit": {"enum": ["c", "f"]}},
        "required": ["city"],
    },
}


def _sent(create: Any, **kwargs: Any) -> Conversation:
    """Run an SDK call against the recorder and validate what it sent."""
    with sdk_client() as (client, recorder):
        create(client)(**kwargs)
        request = recorder.requests[-1]
    betas = parse_betas(request.headers.get("anthropic-beta"))
    version = request.headers["anthropic-version"]
    assert version == V2026
    if request.url.path.endswith("/count_tokens"):
        counted = decode_count_tokens_request(request.content, api_version=version, betas=betas)
        return validate_count_tokens_request(counted, api_version=version, betas=betas)
    created = decode_messages_request(request.content, api_version=version, betas=betas)
    return validate_messages_request(created, api_version=version, betas=betas)


def create(client: Any) -> Any:
    return client.messages.create


def test_every_ga_create_parameter() -> None:
    conversation = _sent(
        create,
        model="claude-opus-4-8",
        max_tokens=2048,
        messages=HELLO,
        system=[
            {"type": "text", "text": "You are terse."},
            {
                "type": "text",
                "text": "Answer in English.",
                "cache_control": {"type": "ephemeral", "ttl": "1h"},
            },
        ],
        metadata={"user_id": "user-1234"},
        stop_sequences=["\n\nHuman:"],
        service_tier="standard_only",
        inference_geo="us",
        speed="standard",
        container={"id": None, "skills": [{"skill_id": "pptx", "type": "anthropic", "version": "latest"}]},
        diagnostics={"previous_message_id": "msg_011CdQ3yemAxSE8oJ3n9XtDa"},
        cache_control={"type": "ephemeral"},
        thinking={"type": "adaptive", "display": "summarized"},
        output_config={"effort": "high", "format": {"type": "json_schema", "schema": {"type": "object"}}},
        tools=[WEATHER_TOOL],
        tool_choice={"type": "auto", "disable_parallel_tool_use": True},
    )
    assert conversation.cache_breakpoints == 2
    assert conversation.thinking.display == "summarized"
    assert conversation.output_schema == {"type": "object"}
    assert conversation.stop_sequences == ("\n\nHuman:",)


def test_server_tools_and_toolsets() -> None:
    tools: list[Any] = [
        WEATHER_TOOL,
        {"type": "bash_20250124", "name": "bash"},
        {"type": "text_editor_20250728", "name": "str_replace_based_edit_tool", "max_characters": 10000},
        {"type": "code_execution_20250825", "name": "code_execution"},
        {"type": "memory_20250818", "name": "memory"},
        {
            "type": "web_search_20260318",
            "name": "web_search",
            "max_uses": 3,
            "allowed_domains": ["example.com"],
            "user_location": {"type": "approximate", "city": "Paris", "country": "FR"},
            "response_inclusion": "full",
        },
        {
            "type": "web_fetch_20260318",
            "name": "web_fetch",
            "use_cache": True,
            "citations": {"enabled": True},
        },
        {"type": "tool_search_tool_regex_20251119", "name": "tool_search_tool_regex"},
        {"type": "browser_toolset_20260801", "configs": {"navigate": {"enabled": True}}},
        {"type": "computer_toolset_20260801"},
        {**WEATHER_TOOL, "name": "deferred", "defer_loading": True, "strict": True, "type": "custom"},
    ]
    conversation = _sent(create, model="claude-opus-4-8", max_tokens=1024, messages=HELLO, tools=tools)
    assert sum(isinstance(tool, CustomTool) for tool in conversation.tools) == 2
    assert sum(isinstance(tool, Toolset) for tool in conversation.tools) == 2


@pytest.mark.parametrize(
    "choice",
    [{"type": "auto"}, {"type": "any"}, {"type": "tool", "name": "get_weather"}, {"type": "none"}],
)
def test_tool_choices(choice: dict[str, Any]) -> None:
    conversation = _sent(
        create,
        model="claude-opus-4-8",
        max_tokens=64,
        messages=HELLO,
        tools=[WEATHER_TOOL],
        tool_choice=choice,
    )
    assert conversation.tool_choice is not None


def test_budgeted_thinking_on_a_model_that_has_it() -> None:
    conversation = _sent(
        create,
        model="claude-haiku-4-5",
        max_tokens=4096,
        messages=HELLO,
        thinking={"type": "enabled", "budget_tokens": 1024, "display": "omitted"},
    )
    assert conversation.thinking.budget_tokens == 1024


def test_multimodal_content() -> None:
    content: list[Any] = [
        {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": PNG}},
        {"type": "image", "source": {"type": "url", "url": "https://example.com/a.jpg"}},
        {
            "type": "document",
            "source": {"type": "base64", "media_type": "application/pdf", "data": PDF},
            "title": "t",
        },
        {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "plain"}},
        {"type": "document", "source": {"type": "content", "content": [{"type": "text", "text": "chunk"}]}},
        {
            "type": "document",
            "source": {"type": "url", "url": "https://example.com/a.pdf"},
            "citations": {"enabled": True},
        },
        {
            "type": "search_result",
            "source": "https://example.com",
            "title": "Example",
            "content": [{"type": "text", "text": "result"}],
        },
        {"type": "text", "text": "Describe these."},
    ]
    conversation = _sent(
        create, model="claude-opus-4-8", max_tokens=64, messages=[{"role": "user", "content": content}]
    )
    kinds = [type(block) for block in conversation.turns[0].blocks]
    assert kinds.count(ImageParam) == 2
    assert kinds.count(DocumentParam) == 4
    assert kinds.count(SearchResultParam) == 1


def test_echoing_a_response_with_to_param() -> None:
    answer = SDKMessage.model_validate(
        {
            "id": "msg_01",
            "type": "message",
            "role": "assistant",
            "model": "claude-opus-4-8",
            "content": [
                {"type": "thinking", "thinking": "", "signature": "EvQB"},
                {"type": "text", "text": "Checking.", "citations": None},
                {
                    "type": "tool_use",
                    "id": "toolu_01A",
                    "name": "get_weather",
                    "input": {"city": "Paris"},
                    "caller": {"type": "direct"},
                },
            ],
            "stop_reason": "tool_use",
            "stop_sequence": None,
            "usage": {"input_tokens": 1, "output_tokens": 1},
        }
    )
    messages: list[Any] = [
        *HELLO,
        answer.to_param(),
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_01A", "content": "18C"}]},
    ]
    conversation = _sent(create, model="claude-opus-4-8", max_tokens=64, messages=messages, tools=[WEATHER_TOOL])
    assert [turn.role for turn in conversation.turns] == ["user", "assistant", "user"]


def test_mid_conversation_system_message() -> None:
    messages: list[Any] = [*HELLO, {"role": "system", "content": [{"type": "text", "text": "Be brief."}]}]
    conversation = _sent(create, model="claude-opus-4-8", max_tokens=64, messages=messages)
    assert [turn.role for turn in conversation.turns] == ["user", "system"]


def test_streaming_flag() -> None:
    with sdk_client() as (client, recorder):
        stream = client.messages.create(model="claude-opus-4-8", max_tokens=8, messages=HELLO, stream=True)
        stream.close()
        sent = recorder.requests[-1].content
    request = decode_messages_request(sent, api_version=V2026, betas=frozenset())
    assert request.stream is True


def test_parse_helper_output_config() -> None:
    class Answer(pydantic.BaseModel):
        city: str
        temperature: float

    with sdk_client() as (client, recorder):
        try:
            client.messages.parse(model="claude-opus-4-8", max_tokens=64, messages=HELLO, output_format=Answer)
        except Exception:  # our canned answer is not JSON; only the request matters here
            pass
        sent = recorder.requests[-1].content
    request = decode_messages_request(sent, api_version=V2026, betas=frozenset())
    assert request.output_config is not None
    assert request.output_config.format is not None
    assert request.output_config.format.schema["required"] == ["city", "temperature"]


def test_count_tokens() -> None:
    conversation = _sent(
        lambda client: client.messages.count_tokens,
        model="claude-opus-4-8",
        messages=HELLO,
        system="Be terse.",
        tools=[WEATHER_TOOL],
        tool_choice={"type": "auto"},
        thinking={"type": "adaptive"},
        output_config={"effort": "low"},
        cache_control={"type": "ephemeral"},
        speed="standard",
    )
    assert conversation.max_tokens is None


def test_beta_calls_carry_their_betas() -> None:
    conversation = _sent(
        lambda client: client.beta.messages.create,
        model="claude-opus-4-8",
        max_tokens=64,
        messages=HELLO,
        betas=["context-management-2025-06-27"],
        context_management={"edits": [{"type": "clear_tool_uses_20250919"}]},
    )
    assert "context-management-2025-06-27" in conversation.betas
    counted = _sent(
        lambda client: client.beta.messages.count_tokens,
        model="claude-opus-4-8",
        messages=HELLO,
    )
    assert "token-counting-2024-11-01" in counted.betas
