"""Decoding: shapes, the real API's pydantic-style messages, version and beta gating."""

from __future__ import annotations

from typing import Any

import msgspec
import pytest

from tests.wire.helpers import NO_BETAS, V2023, V2026, body, decode, minimal
from twin.wire.decode import decode_count_tokens_request, decode_messages_request
from twin.wire.errors import ApiError
from twin.wire.params import TextParam, ToolResultParam, ToolUseParam
from twin.wire.request import ThinkingAdaptive
from twin.wire.tools import (
    BETA_TOOL_TYPES,
    Computer20250124,
    CustomTool,
    MCPToolset,
    ToolChoiceTool,
    WebSearch20250305,
)

USER = {"role": "user", "content": "hi"}
CONTENT_TAGS = (
    "'text', 'image', 'document', 'search_result', 'thinking', 'redacted_thinking', 'tool_use', "
    "'tool_result', 'server_tool_use', 'web_search_tool_result', 'web_fetch_tool_result', "
    "'code_execution_tool_result', 'bash_code_execution_tool_result', "
    "'text_editor_code_execution_tool_result', 'tool_search_tool_result', 'container_upload'"
)


def rejects(fields: dict[str, Any], version: str = V2026, betas: frozenset[str] = NO_BETAS) -> ApiError:
    with pytest.raises(ApiError) as info:
        decode(fields, version, betas)
    assert info.value.status == 400
    assert info.value.error_type == "invalid_request_error"
    return info.value


def message_of(fields: dict[str, Any], version: str = V2026, betas: frozenset[str] = NO_BETAS) -> str:
    return rejects(fields, version, betas).message


# --- real wordings (seen on real 400 bodies) ------------------------------------------------


def test_missing_max_tokens_is_field_required() -> None:
    fields = minimal()
    del fields["max_tokens"]
    assert message_of(fields) == "max_tokens: Field required"


def test_missing_fields_are_reported_in_sdk_order() -> None:
    assert message_of({}) == "max_tokens: Field required"
    assert message_of({"max_tokens": 1}) == "messages: Field required"
    assert message_of({"max_tokens": 1, "messages": []}) == "model: Field required"


@pytest.mark.parametrize("name", ["temperature", "top_p", "top_k"])
def test_sampling_params_removed_in_2026(name: str) -> None:
    assert message_of(minimal(**{name: 1})) == f"{name}: Extra inputs are not permitted"


def test_sampling_params_rejected_even_at_default_value_in_2026() -> None:
    assert message_of(minimal(temperature=1.0)) == "temperature: Extra inputs are not permitted"
    assert message_of(minimal(temperature=None)) == "temperature: Extra inputs are not permitted"


def test_sampling_params_accepted_in_2023() -> None:
    request = decode(minimal(temperature=0.5, top_p=0.9, top_k=40), V2023)
    assert (request.temperature, request.top_p, request.top_k) == (0.5, 0.9, 40)


@pytest.mark.parametrize("version", [V2023, V2026])
def test_unknown_top_level_field(version: str) -> None:
    assert message_of(minimal(response_format={}), version) == "response_format: Extra inputs are not permitted"


def test_unknown_field_inside_a_tagged_block_names_the_tag() -> None:
    fields = minimal(
        messages=[
            USER,
            {
                "role": "assistant",
                "content": [{"type": "tool_use", "id": "t1", "name": "x", "input": {}, "text": "x"}],
            },
        ]
    )
    assert message_of(fields) == "messages.1.content.0.tool_use.text: Extra inputs are not permitted"


def test_missing_text_in_text_block() -> None:
    fields = minimal(messages=[{"role": "user", "content": [{"type": "text"}]}])
    assert message_of(fields) == "messages.0.content.0.text.text: Field required"


def test_missing_text_inside_tool_result_content() -> None:
    content = [{"type": "tool_result", "tool_use_id": "t1", "content": [{"type": "text"}]}]
    fields = minimal(messages=[{"role": "user", "content": content}])
    assert message_of(fields) == "messages.0.content.0.tool_result.content.0.text.text: Field required"


def test_image_media_type() -> None:
    source = {"type": "base64", "media_type": "image/jpg", "data": "AAAA"}
    fields = minimal(messages=[{"role": "user", "content": [{"type": "image", "source": source}]}])
    assert message_of(fields) == (
        "messages.0.content.0.image.source.base64.media_type: "
        "Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'"
    )


def test_thinking_budget_minimum() -> None:
    fields = minimal(thinking={"type": "enabled", "budget_tokens": 1000})
    assert message_of(fields) == "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024"


def test_custom_tool_name_pattern_and_length() -> None:
    bad = minimal(tools=[{"name": "a.b", "input_schema": {"type": "object"}}])
    assert message_of(bad) == "tools.0.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'"
    long = minimal(tools=[{"name": "t", "input_schema": {}}, {"name": "x" * 129, "input_schema": {}}])
    assert message_of(long) == "tools.1.custom.name: String should have at most 128 characters"
    empty = minimal(tools=[{"name": "", "input_schema": {}}])
    assert message_of(empty) == "tools.0.custom.name: String should have at least 1 character"


def test_tool_use_id_pattern() -> None:
    content = [{"type": "tool_use", "id": "call|1", "name": "x", "input": {}}]
    fields = minimal(messages=[USER, {"role": "assistant", "content": content}])
    assert message_of(fields) == "messages.1.content.0.tool_use.id: String should match pattern '^[a-zA-Z0-9_-]+$'"


def test_invalid_json_uses_the_parser_wording() -> None:
    with pytest.raises(ApiError) as info:
        decode_messages_request(b'{"model": "x",', api_version=V2026, betas=NO_BETAS)
    assert (
        info.value.message == "The request body is not valid JSON: unexpected end of data: line 1 column 15 (char 14)"
    )
    with pytest.raises(ApiError) as info:
        decode_messages_request(b'{"a": "\\ud800"}', api_version=V2026, betas=NO_BETAS)
    assert (
        info.value.message == "The request body is not valid JSON: no low surrogate in string: line 1 column 8 (char 7)"
    )
    with pytest.raises(ApiError) as info:
        decode_messages_request(b'{"a":"x\ny"}', api_version=V2026, betas=NO_BETAS)
    assert info.value.message.startswith("The request body is not valid JSON: unexpected control character in string")


def test_empty_body() -> None:
    with pytest.raises(ApiError) as info:
        decode_messages_request(b"", api_version=V2026, betas=NO_BETAS)
    assert info.value.message == (
        "The request body is not valid JSON: Input is a zero-length, empty document: line 1 column 1 (char 0)"
    )


# --- pydantic wording for the rest (chosen to match pydantic's own messages) ----------------


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        (
            minimal(messages=[{"role": "bot", "content": "x"}]),
            "messages.0.role: Input should be 'user', 'assistant' or 'system'",
        ),
        (
            minimal(messages=[{"role": "user", "content": [{"type": "text", "text": 5}]}]),
            "messages.0.content.0.text.text: Input should be a valid string",
        ),
        (
            minimal(messages=[{"role": "user", "content": [{"type": "video"}]}]),
            "messages.0.content.0: Input tag 'video' found using 'type' does not match any of the "
            "expected tags: " + CONTENT_TAGS,
        ),
        (
            minimal(messages=[{"role": "user", "content": [{"text": "x"}]}]),
            "messages.0.content.0: Unable to extract tag using discriminator 'type'",
        ),
        (
            minimal(messages=[{"role": "user", "content": 5}]),
            "messages.0.content: Input should be a valid string",
        ),
        (
            minimal(max_tokens=1.5),
            "max_tokens: Input should be a valid integer, got a number with a fractional part",
        ),
        (minimal(max_tokens=-1), "max_tokens: Input should be greater than or equal to 0"),
        (minimal(max_tokens="many"), "max_tokens: Input should be a valid integer"),
        (
            minimal(metadata="x"),
            "metadata: Input should be a valid dictionary or object to extract fields from",
        ),
        (
            minimal(metadata={"user_id": "u" * 257}),
            "metadata.user_id: String should have at most 256 characters",
        ),
        (minimal(cache_control={"type": "persistent"}), "cache_control.type: Input should be 'ephemeral'"),
        (
            minimal(cache_control={"type": "ephemeral", "ttl": "2h"}),
            "cache_control.ttl: Input should be '5m' or '1h'",
        ),
        (minimal(tool_choice={"type": "tool"}), "tool_choice.tool.name: Field required"),
        (
            minimal(tool_choice={"type": "required"}),
            "tool_choice: Input tag 'required' found using 'type' does not match any of the expected "
            "tags: 'auto', 'any', 'tool', 'none'",
        ),
        (
            minimal(thinking={"type": "adaptive", "display": "full"}),
            "thinking.adaptive.display: Input should be 'summarized', 'omitted' or 'updates'",
        ),
        (minimal(system=[{"type": "text"}]), "system.0.text: Field required"),
        (minimal(stop_sequences="END"), "stop_sequences: Input should be a valid list"),
        (minimal(service_tier="priority"), "service_tier: Input should be 'auto' or 'standard_only'"),
        (minimal(stream="yes"), "stream: Input should be a valid boolean"),
        (
            minimal(output_config={"effort": "extreme"}),
            "output_config.effort: Input should be 'low', 'medium', 'high', 'xhigh' or 'max'",
        ),
    ],
)
def test_pydantic_style_messages(fields: dict[str, Any], expected: str) -> None:
    assert message_of(fields) == expected


def test_top_level_array_body() -> None:
    with pytest.raises(ApiError) as info:
        decode_messages_request(b"[]", api_version=V2026, betas=NO_BETAS)
    assert info.value.message == "Input should be a valid dictionary or object to extract fields from"


def test_lax_number_coercion_like_pydantic() -> None:
    assert decode(minimal(max_tokens="1024")).max_tokens == 1024
    assert decode(minimal(max_tokens=1024.0)).max_tokens == 1024
    assert decode(minimal(stream="true")).stream is True


def test_max_tokens_zero_is_allowed() -> None:
    assert decode(minimal(max_tokens=0)).max_tokens == 0


# --- beta gating ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "beta"),
    [
        (
            "context_management",
            {"edits": [{"type": "clear_thinking_20251015", "keep": "all"}]},
            "context-management-2025-06-27",
        ),
        (
            "mcp_servers",
            [{"type": "url", "name": "x", "url": "https://mcp.example"}],
            "mcp-client-2025-11-20",
        ),
        ("compaction", {"type": "summarize"}, "compact-2026-01-12"),
        ("fallbacks", "default", "server-side-fallback-2026-07-01"),
        ("fallback_credit_token", "tok", "fallback-credit-2026-07-01"),
        ("billing_policy", {"type": "billing_policy", "bill_to": "self"}, "user-profiles-billing-2026-10-01"),
        ("thread", {"type": "create"}, "message-threads-2026-08-12"),
        ("output_format", {"type": "json_schema", "schema": {}}, "structured-outputs-2025-11-13"),
    ],
)
def test_beta_body_fields_need_their_beta(field: str, value: Any, beta: str) -> None:
    for version in (V2023, V2026):
        assert message_of(minimal(**{field: value}), version) == f"{field}: Extra inputs are not permitted"
        assert getattr(decode(minimal(**{field: value}), version, frozenset({beta})), field) == value


def test_other_betas_do_not_unlock_a_field() -> None:
    fields = minimal(context_management={"edits": []})
    assert message_of(fields, betas=frozenset({"interleaved-thinking-2025-05-14"})).startswith("context_management:")


def test_clear_at_needs_its_beta() -> None:
    system = {"role": "system", "content": "be brief", "clear_at": "next_user_message"}
    fields = minimal(messages=[USER, system])
    assert message_of(fields) == "messages.1.clear_at: Extra inputs are not permitted"
    decode(fields, betas=frozenset({"mid-conversation-system-clear-at-2026-08-21"}))


def test_per_message_output_config_needs_per_turn_control() -> None:
    system = {"role": "system", "content": "be brief", "output_config": {"effort": "medium"}}
    fields = minimal(messages=[USER, system])
    assert message_of(fields, V2023) == "messages.1.output_config: Extra inputs are not permitted"
    request = decode(fields, V2023, frozenset({"per-turn-control-2026-07-01"}))
    assert request.messages[1].output_config is not msgspec.UNSET


def test_thinking_display_updates_needs_its_beta() -> None:
    fields = minimal(thinking={"type": "adaptive", "display": "updates"})
    assert message_of(fields) == "thinking.adaptive.display: Input should be 'summarized' or 'omitted'"
    request = decode(fields, betas=frozenset({"thinking-display-updates-2026-08-18"}))
    assert isinstance(request.thinking, ThinkingAdaptive)


def test_beta_tool_types_need_their_beta() -> None:
    computer = {
        "type": "computer_20250124",
        "name": "computer",
        "display_width_px": 1024,
        "display_height_px": 768,
    }
    error = message_of(minimal(tools=[computer]))
    assert error.startswith("tools.0: Input tag 'computer_20250124' found using 'type' does not match any of the ")
    assert "'custom', 'bash_20250124'" in error
    request = decode(minimal(tools=[computer]), betas=frozenset({"computer-use-2025-01-24"}))
    assert isinstance(request.tools and request.tools[0], Computer20250124)
    mcp = {"type": "mcp_toolset", "mcp_server_name": "docs"}
    assert isinstance(
        (decode(minimal(tools=[mcp]), betas=frozenset({"mcp-client-2025-11-20"})).tools or [])[0], MCPToolset
    )
    assert set(BETA_TOOL_TYPES) >= {"computer_20250124", "mcp_toolset"}


# --- tools ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("declared", [{}, {"type": None}, {"type": "custom"}])
def test_custom_tool_with_or_without_type(declared: dict[str, Any]) -> None:
    tool = {
        "name": "get_weather",
        "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}},
    }
    request = decode(minimal(tools=[{**tool, **declared}]))
    assert request.tools is not None
    decoded = request.tools[0]
    assert isinstance(decoded, CustomTool)
    assert decoded.schema() == tool["input_schema"]


def test_server_tools_decode_by_type() -> None:
    tools = [
        {"type": "web_search_20250305", "name": "web_search", "max_uses": 3},
        {"name": "f", "input_schema": {"type": "object"}},
    ]
    request = decode(minimal(tools=tools))
    assert request.tools is not None
    assert isinstance(request.tools[0], WebSearch20250305)
    assert isinstance(request.tools[1], CustomTool)


def test_server_tool_errors_name_the_tag() -> None:
    tool = {"type": "web_search_20250305", "name": "web_search", "max_uses": "many"}
    assert message_of(minimal(tools=[tool])) == "tools.0.web_search_20250305.max_uses: Input should be a valid integer"
    wrong_name = {"type": "bash_20250124", "name": "shell"}
    assert message_of(minimal(tools=[wrong_name])) == "tools.0.bash_20250124.name: Input should be 'bash'"


def test_custom_tool_errors() -> None:
    assert message_of(minimal(tools=[{"name": "x"}])) == "tools.0.custom.input_schema: Field required"
    no_array = minimal(tools=[{"name": "x", "input_schema": []}])
    assert message_of(no_array) == "tools.0.custom.input_schema: Input should be a valid dictionary"
    extra = minimal(tools=[{"name": "x", "input_schema": {}, "parameters": {}}])
    assert message_of(extra) == "tools.0.custom.parameters: Extra inputs are not permitted"
    assert (
        message_of(minimal(tools=["x"]))
        == "tools.0: Input should be a valid dictionary or object to extract fields from"
    )


def test_unknown_tool_type() -> None:
    error = message_of(minimal(tools=[{"type": "function", "function": {}}]))
    assert error.startswith("tools.0: Input tag 'function' found using 'type' does not match any of the expected tags:")


# --- content shapes --------------------------------------------------------------------------


def test_echoed_response_blocks_decode() -> None:
    """``Message.to_param()`` echoes ``citations: null`` and ``caller`` back."""
    assistant = {
        "role": "assistant",
        "content": [
            {"type": "thinking", "thinking": "", "signature": "EvQB"},
            {"type": "text", "text": "Let me look.", "citations": None},
            {
                "type": "tool_use",
                "id": "toolu_01A",
                "name": "Bash",
                "input": {"command": "ls"},
                "caller": {"type": "direct"},
            },
        ],
    }
    result = {
        "role": "user",
        "content": [{"type": "tool_result", "tool_use_id": "toolu_01A", "content": "a\nb", "is_error": False}],
    }
    request = decode(minimal(messages=[USER, assistant, result]))
    blocks = request.messages[1].content
    assert isinstance(blocks, list)
    assert isinstance(blocks[1], TextParam)
    assert isinstance(blocks[2], ToolUseParam)
    assert blocks[2].input_dict() == {"command": "ls"}
    tool_result = request.messages[2].content[0]
    assert isinstance(tool_result, ToolResultParam)


def test_role_system_message_decodes() -> None:
    request = decode(minimal(messages=[USER, {"role": "system", "content": [{"type": "text", "text": "Be brief."}]}]))
    assert request.messages[1].role == "system"


def test_tool_choice_union() -> None:
    request = decode(minimal(tool_choice={"type": "tool", "name": "x", "disable_parallel_tool_use": True}))
    assert isinstance(request.tool_choice, ToolChoiceTool)
    assert request.tool_choice.name == "x"


# --- count_tokens -------------------------------------------------------------------------------


def test_count_tokens_has_no_max_tokens_or_stream() -> None:
    fields = {"messages": [USER], "model": "claude-opus-4-8"}
    request = decode_count_tokens_request(body(**fields), api_version=V2026, betas=NO_BETAS)
    assert request.model == "claude-opus-4-8"
    for extra in ("max_tokens", "stream", "metadata", "stop_sequences", "service_tier", "container"):
        with pytest.raises(ApiError) as info:
            decode_count_tokens_request(body(**fields, **{extra: 1}), api_version=V2026, betas=NO_BETAS)
        assert info.value.message == f"{extra}: Extra inputs are not permitted"


def test_count_tokens_gating() -> None:
    fields = {"messages": [USER], "model": "claude-opus-4-8", "temperature": 1}
    with pytest.raises(ApiError) as info:
        decode_count_tokens_request(body(**fields), api_version=V2026, betas=NO_BETAS)
    assert info.value.message == "temperature: Extra inputs are not permitted"
    decode_count_tokens_request(body(**fields), api_version=V2023, betas=NO_BETAS)
    with pytest.raises(ApiError) as info:
        decode_count_tokens_request(
            body(messages=[USER], model="m", context_management={}), api_version=V2023, betas=NO_BETAS
        )
    assert info.value.message == "context_management: Extra inputs are not permitted"
    missing = {"messages": [USER]}
    with pytest.raises(ApiError) as info:
        decode_count_tokens_request(body(**missing), api_version=V2026, betas=NO_BETAS)
    assert info.value.message == "model: Field required"
