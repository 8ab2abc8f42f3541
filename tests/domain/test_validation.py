"""Semantic validation: every rule's message, and the normalized conversation."""

from __future__ import annotations

import base64
from typing import Any

import pytest

from tests.wire.helpers import NO_BETAS, V2023, V2026, accept, body, decode, minimal
from twin.domain.catalog import resolve
from twin.domain.validation import (
    check_context_window,
    context_window,
    merge_turns,
    validate_count_tokens_request,
)
from twin.wire.decode import decode_count_tokens_request
from twin.wire.errors import ApiError
from twin.wire.params import TextParam, ToolResultParam, ToolUseParam

USER = {"role": "user", "content": "hi"}
PNG = base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(24)).decode()
JPEG = base64.b64encode(b"\xff\xd8\xff\xe0" + bytes(24)).decode()
GIF = base64.b64encode(b"GIF89a" + bytes(24)).decode()
WEBP = base64.b64encode(b"RIFF\x00\x00\x00\x00WEBPVP8 " + bytes(24)).decode()
PDF = base64.b64encode(b"%PDF-1.7\n%%EOF\n").decode()
TOOL = {"name": "get_weather", "input_schema": {"type": "object"}}


def refuse(fields: dict[str, Any], version: str = V2026, betas: frozenset[str] = NO_BETAS) -> ApiError:
    with pytest.raises(ApiError) as info:
        accept(fields, version, betas)
    return info.value


def message_of(fields: dict[str, Any], version: str = V2026, betas: frozenset[str] = NO_BETAS) -> str:
    error = refuse(fields, version, betas)
    assert (error.status, error.error_type) == (400, "invalid_request_error")
    return error.message


def call(tool_id: str, name: str = "get_weather") -> dict[str, Any]:
    return {"type": "tool_use", "id": tool_id, "name": name, "input": {"city": "Paris"}}


def result(tool_id: str) -> dict[str, Any]:
    return {"type": "tool_result", "tool_use_id": tool_id, "content": "18C"}


def image(data: str, media_type: str = "image/png") -> dict[str, Any]:
    return {"type": "image", "source": {"type": "base64", "media_type": media_type, "data": data}}


# --- model and limits ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model",
    ["claude-3-5-haiku-20241022", "claude-3-opus-20240229", "claude-sonnet-4-20250514", "claude-nope"],
)
def test_unknown_or_retired_model_is_404(model: str) -> None:
    error = refuse(minimal(model=model))
    assert (error.status, error.error_type, error.message) == (404, "not_found_error", f"model: {model}")


def test_deprecated_model_still_answers() -> None:
    assert accept(minimal(model="claude-sonnet-4-5")).model.lifecycle == "deprecated"


def test_max_tokens_above_the_model_maximum() -> None:
    assert message_of(minimal(model="claude-haiku-4-5", max_tokens=64001)) == (
        "max_tokens: 64001 > 64000, which is the maximum allowed number of output tokens for claude-haiku-4-5-20251001"
    )
    assert accept(minimal(model="claude-haiku-4-5", max_tokens=64000)).max_tokens == 64000
    big = minimal(max_tokens=300_000)
    accept(big, betas=frozenset({"output-300k-2026-03-24"}))


def test_sampling_params_under_2023() -> None:
    assert message_of(minimal(temperature=0.2), V2023) == "`temperature` is deprecated for this model."
    assert message_of(minimal(top_k=5), V2023) == "`top_k` is deprecated for this model."
    both = minimal(model="claude-sonnet-4-6", temperature=0.2, top_p=0.9)
    assert message_of(both, V2023) == (
        "`temperature` and `top_p` cannot both be specified for this model. Please use only one."
    )
    accept(minimal(model="claude-sonnet-4-6", temperature=0.2), V2023)
    accept(minimal(temperature=None), V2023)


# --- message structure -----------------------------------------------------------------------------


def test_messages_required() -> None:
    assert message_of(minimal(messages=[])) == "messages: at least one message is required"


@pytest.mark.parametrize("empty", ["", []])
def test_empty_content_on_a_non_final_message(empty: Any) -> None:
    fields = minimal(messages=[USER, {"role": "assistant", "content": empty}, USER])
    assert message_of(fields) == (
        "messages.1: all messages must have non-empty content except for the optional final assistant message"
    )
    assert message_of(minimal(messages=[{"role": "user", "content": empty}])).startswith("messages.0: all messages")


def test_empty_final_assistant_message_is_allowed_and_is_no_prefill() -> None:
    conversation = accept(minimal(messages=[USER, {"role": "assistant", "content": ""}]))
    assert conversation.prefill is None


def test_empty_and_whitespace_text_blocks() -> None:
    empty = minimal(messages=[{"role": "user", "content": [{"type": "text", "text": ""}]}])
    assert message_of(empty) == "messages: text content blocks must be non-empty"
    blank = minimal(messages=[{"role": "user", "content": [{"type": "text", "text": " \n"}]}])
    assert message_of(blank) == "messages: text content blocks must contain non-whitespace text"
    assert message_of(minimal(messages=[{"role": "user", "content": "  "}])) == (
        "messages: text content blocks must contain non-whitespace text"
    )
    nested = [{"type": "tool_result", "tool_use_id": "t1", "content": [{"type": "text", "text": ""}]}]
    fields = minimal(
        messages=[USER, {"role": "assistant", "content": [call("t1")]}, {"role": "user", "content": nested}]
    )
    assert message_of({**fields, "tools": [TOOL]}) == "messages: text content blocks must be non-empty"


def test_system_prompt_blocks() -> None:
    assert message_of(minimal(system=[{"type": "text", "text": ""}])) == "system: text content blocks must be non-empty"
    assert message_of(minimal(system=[{"type": "text", "text": " "}])) == (
        "system: text content blocks must contain non-whitespace text"
    )
    assert accept(minimal(system="")).system == ()


def test_consecutive_same_role_messages_are_merged() -> None:
    conversation = accept(
        minimal(
            model="claude-haiku-4-5",
            messages=[USER, {"role": "user", "content": "again"}, {"role": "assistant", "content": "The"}],
        )
    )
    assert [turn.role for turn in conversation.turns] == ["user", "assistant"]
    assert conversation.turns[0].indices == (0, 1)
    assert conversation.turns[0].text() == "hiagain"
    assert conversation.prefill == "The"


def test_first_message_may_be_assistant() -> None:
    fields = minimal(model="claude-haiku-4-5", messages=[{"role": "assistant", "content": "Hi"}, USER])
    assert [turn.role for turn in accept(fields).turns] == ["assistant", "user"]


def test_merge_turns_keeps_system_runs_in_place() -> None:
    request = decode(minimal(messages=[USER, {"role": "system", "content": "a"}, {"role": "system", "content": "b"}]))
    turns = merge_turns(request.messages)
    assert [(turn.role, turn.indices) for turn in turns] == [("user", (0,)), ("system", (1, 2))]


# --- system messages -------------------------------------------------------------------------------


def test_system_message_needs_a_model_with_them() -> None:
    fields = minimal(model="claude-opus-4-7", messages=[USER, {"role": "system", "content": "Be brief."}])
    assert message_of(fields) == "role 'system' is not supported on this model"


def test_system_message_placement() -> None:
    accept(minimal(messages=[USER, {"role": "system", "content": "Be brief."}]))
    accept(
        minimal(
            messages=[
                USER,
                {"role": "system", "content": "x"},
                {"role": "assistant", "content": [call("t1")]},
                {"role": "user", "content": [result("t1")]},
            ],
            tools=[TOOL],
        )
    )
    first = minimal(messages=[{"role": "system", "content": "x"}, USER])
    assert message_of(first) == "messages.0: role 'system' must follow a 'user' message"
    after_assistant = minimal(
        messages=[USER, {"role": "assistant", "content": "a"}, {"role": "system", "content": "x"}]
    )
    assert message_of(after_assistant) == "messages.2: role 'system' must follow a 'user' message"
    before_user = minimal(messages=[USER, {"role": "system", "content": "x"}, {"role": "system", "content": "y"}, USER])
    assert message_of(before_user) == "messages.2: role 'system' must precede an 'assistant' message or end the array"


def test_system_message_after_a_server_tool_call() -> None:
    server_call = {
        "type": "server_tool_use",
        "id": "srvtoolu_01",
        "name": "web_search",
        "input": {"query": "x"},
    }
    fields = minimal(
        messages=[USER, {"role": "assistant", "content": [server_call]}, {"role": "system", "content": "x"}]
    )
    accept(fields)


def test_system_message_content_is_text_only() -> None:
    fields = minimal(messages=[USER, {"role": "system", "content": [image(PNG)]}])
    assert message_of(fields) == (
        "messages.1.content.0: Input tag 'image' found using 'type' does not match any of the expected tags: 'text'"
    )


# --- prefill ---------------------------------------------------------------------------------------


def test_prefill_on_a_model_without_it() -> None:
    fields = minimal(model="claude-opus-4-8", messages=[USER, {"role": "assistant", "content": "The answer is"}])
    assert message_of(fields) == (
        "This model does not support assistant message prefill. The conversation must end with a user message."
    )


def test_prefill_is_continued() -> None:
    conversation = accept(
        minimal(model="claude-haiku-4-5", messages=[USER, {"role": "assistant", "content": "The answer is"}])
    )
    assert conversation.prefill == "The answer is"
    assert conversation.turns[-1].role == "assistant"


def test_prefill_may_not_end_in_whitespace() -> None:
    for text in ("The answer is ", "Line\n", "   "):
        fields = minimal(model="claude-haiku-4-5", messages=[USER, {"role": "assistant", "content": text}])
        assert message_of(fields) == "final assistant content cannot end with trailing whitespace"


# --- tool pairing ----------------------------------------------------------------------------------


def test_tool_use_without_tool_result() -> None:
    fields = minimal(
        tools=[TOOL],
        messages=[
            USER,
            {"role": "assistant", "content": [call("toolu_01A"), call("toolu_01B")]},
            {"role": "user", "content": [result("toolu_01A")]},
        ],
    )
    assert message_of(fields) == (
        "messages.1: `tool_use` ids were found without `tool_result` blocks immediately after: toolu_01B. "
        "Each `tool_use` block must have a corresponding `tool_result` block in the next message."
    )
    dangling = minimal(
        model="claude-haiku-4-5",
        tools=[TOOL],
        messages=[USER, {"role": "assistant", "content": [call("toolu_01A")]}],
    )
    assert message_of(dangling).startswith("messages.1: `tool_use` ids were found without `tool_result` blocks")


def test_tool_result_without_tool_use() -> None:
    fields = minimal(messages=[{"role": "user", "content": [result("toolu_015cqXRmSf7tsfMgJ9ibV1z3")]}])
    assert message_of(fields) == (
        "messages.0.content.0: unexpected `tool_use_id` found in `tool_result` blocks: "
        "toolu_015cqXRmSf7tsfMgJ9ibV1z3. "
        "Each `tool_result` block must have a corresponding `tool_use` block in the previous message."
    )
    stale = minimal(
        tools=[TOOL],
        messages=[
            USER,
            {"role": "assistant", "content": [call("t1")]},
            {"role": "user", "content": [result("t1")]},
            {"role": "assistant", "content": "ok"},
            {"role": "user", "content": ["x", result("t1")][1:]},
        ],
    )
    assert message_of(stale).startswith("messages.4.content.0: unexpected `tool_use_id`")


def test_tool_use_ids_must_be_unique() -> None:
    fields = minimal(
        tools=[TOOL],
        messages=[
            USER,
            {"role": "assistant", "content": [call("t1")]},
            {"role": "user", "content": [result("t1")]},
            {"role": "assistant", "content": [{"type": "text", "text": "again"}, call("t1")]},
            {"role": "user", "content": [result("t1")]},
        ],
    )
    assert message_of(fields) == "messages.3.content.1: `tool_use` ids must be unique"


def test_pairing_across_merged_turns() -> None:
    fields = minimal(
        tools=[TOOL],
        messages=[
            USER,
            {"role": "assistant", "content": [call("t1")]},
            {"role": "assistant", "content": [call("t2")]},
            {"role": "user", "content": [result("t1")]},
            {"role": "user", "content": [result("t2")]},
        ],
    )
    conversation = accept(fields)
    assert [turn.role for turn in conversation.turns] == ["user", "assistant", "user"]
    assert [type(block) for block in conversation.turns[1].blocks] == [ToolUseParam, ToolUseParam]
    assert [type(block) for block in conversation.turns[2].blocks] == [ToolResultParam, ToolResultParam]


def test_blocks_in_the_wrong_role() -> None:
    assert message_of(minimal(messages=[{"role": "user", "content": [call("t1")]}])) == (
        "messages.0.content.0: `tool_use` blocks are only allowed in assistant messages"
    )
    fields = minimal(messages=[USER, {"role": "assistant", "content": [result("t1")]}, USER])
    assert message_of(fields) == "messages.1.content.0: `tool_result` blocks are only allowed in user messages"


def test_tool_use_input_must_be_an_object() -> None:
    bad = {"type": "tool_use", "id": "t1", "name": "get_weather", "input": [1]}
    fields = minimal(
        tools=[TOOL],
        messages=[USER, {"role": "assistant", "content": [bad]}, {"role": "user", "content": [result("t1")]}],
    )
    assert message_of(fields) == "messages.1.content.0.tool_use.input: Input should be a valid dictionary"


# --- images and documents --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "media_type"),
    [(PNG, "image/png"), (JPEG, "image/jpeg"), (GIF, "image/gif"), (WEBP, "image/webp")],
)
def test_images_of_every_type(data: str, media_type: str) -> None:
    accept(minimal(messages=[{"role": "user", "content": [image(data, media_type), {"type": "text", "text": "?"}]}]))


def test_image_magic_must_match_the_media_type() -> None:
    fields = minimal(messages=[{"role": "user", "content": [{"type": "text", "text": "?"}, image(JPEG, "image/png")]}])
    assert message_of(fields) == (
        "messages.0.content.1.image.source.base64: The image was specified using the image/png media type, "
        "but the image appears to be a image/jpeg image"
    )


def test_image_inside_a_tool_result() -> None:
    nested = [
        {
            "type": "tool_result",
            "tool_use_id": "t1",
            "content": [{"type": "text", "text": "shot"}, image(JPEG)],
        }
    ]
    fields = minimal(
        tools=[TOOL],
        messages=[USER, {"role": "assistant", "content": [call("t1")]}, {"role": "user", "content": nested}],
    )
    assert message_of(fields) == (
        "messages.2.content.0.tool_result.content.1.image.source.base64: The image was specified using the "
        "image/png media type, but the image appears to be a image/jpeg image"
    )


def test_wrapped_base64_is_read_leniently() -> None:
    wrapped = base64.encodebytes(b"\x89PNG\r\n\x1a\n" + bytes(80)).decode()
    assert "\n" in wrapped
    accept(minimal(messages=[{"role": "user", "content": [image(wrapped)]}]))


@pytest.mark.parametrize("data", ["", "not base64!", base64.b64encode(b"hello world").decode()])
def test_undecodable_images(data: str) -> None:
    assert message_of(minimal(messages=[{"role": "user", "content": [image(data)]}])) == "Could not process image"


def test_pdf_documents() -> None:
    good = {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": PDF}}
    accept(minimal(messages=[{"role": "user", "content": [good]}]))
    bad = {"type": "document", "source": {"type": "base64", "media_type": "application/pdf", "data": PNG}}
    assert message_of(minimal(messages=[{"role": "user", "content": [bad]}])) == (
        "messages.0.content.0.pdf.source.base64.data: The PDF specified was not valid."
    )
    wrong_type = {"type": "document", "source": {"type": "base64", "media_type": "text/plain", "data": PDF}}
    with pytest.raises(ApiError) as info:
        decode(minimal(messages=[{"role": "user", "content": [wrong_type]}]))
    assert (
        info.value.message
        == "messages.0.content.0.document.source.base64.media_type: Input should be 'application/pdf'"
    )


def test_2026_rules_on_documents_and_citations() -> None:
    document = {"type": "document", "source": {"type": "text", "media_type": "text/plain", "data": "notes"}}
    in_assistant = minimal(
        model="claude-haiku-4-5", messages=[USER, {"role": "assistant", "content": [document]}, USER]
    )
    assert message_of(in_assistant) == "messages.1.content.0: document blocks are not allowed in assistant messages"
    accept(in_assistant, V2023)
    citation = {
        "type": "char_location",
        "cited_text": "x",
        "document_index": 0,
        "document_title": None,
        "start_char_index": 0,
        "end_char_index": 1,
    }
    cited = minimal(messages=[{"role": "user", "content": [{"type": "text", "text": "x", "citations": [citation]}]}])
    assert message_of(cited) == "messages.0.content.0.text.citations: citations are not allowed in user messages"
    accept(cited, V2023)
    accept(minimal(messages=[{"role": "user", "content": [{"type": "text", "text": "x", "citations": []}]}]))


# --- tools and tool_choice -------------------------------------------------------------------------


def test_duplicate_tool_names() -> None:
    assert message_of(minimal(tools=[TOOL, TOOL])) == "tools: Tool names must be unique."
    server = {"type": "web_search_20250305", "name": "web_search"}
    error = refuse(minimal(tools=[{"name": "web_search", "input_schema": {}}, server]))
    assert (error.message, error.error_code) == ("tools: Tool names must be unique.", "tool_name_conflict")


def test_tool_choice_rules() -> None:
    assert (
        message_of(minimal(tool_choice={"type": "any"})) == "tool_choice may only be specified while providing tools."
    )
    accept(minimal(tool_choice={"type": "auto"}))
    unknown = minimal(tools=[TOOL], tool_choice={"type": "tool", "name": "get_time"})
    assert message_of(unknown) == "tool_choice.tool.name: Tool 'get_time' not found in the provided tools"
    forced = minimal(tools=[TOOL], tool_choice={"type": "any"}, thinking={"type": "adaptive"})
    assert message_of(forced) == "Thinking may not be enabled when tool_choice forces tool use."
    budgeted = minimal(
        model="claude-haiku-4-5",
        max_tokens=4096,
        tools=[TOOL],
        tool_choice={"type": "tool", "name": "get_weather"},
        thinking={"type": "enabled", "budget_tokens": 2048},
    )
    assert message_of(budgeted) == "Thinking may not be enabled when tool_choice forces tool use."
    always_thinks = minimal(model="claude-sonnet-5-5", tools=[TOOL], tool_choice={"type": "any"})
    assert message_of(always_thinks) == "Thinking may not be enabled when tool_choice forces tool use."
    accept(minimal(tools=[TOOL], tool_choice={"type": "any"}))


# --- thinking and effort ---------------------------------------------------------------------------


def test_thinking_type_the_model_lacks() -> None:
    enabled = minimal(max_tokens=4096, thinking={"type": "enabled", "budget_tokens": 1024})
    assert message_of(enabled) == (
        '"thinking.type.enabled" is not supported for this model. Use "thinking.type.adaptive" and '
        '"output_config.effort" to control thinking behavior.'
    )
    adaptive = minimal(model="claude-haiku-4-5", thinking={"type": "adaptive"})
    assert message_of(adaptive).startswith('"thinking.type.adaptive" is not supported for this model.')
    disabled = minimal(model="claude-sonnet-5-5", thinking={"type": "disabled"})
    assert message_of(disabled).startswith('"thinking.type.disabled" is not supported for this model.')


def test_thinking_budget_against_max_tokens() -> None:
    fields = minimal(model="claude-haiku-4-5", max_tokens=2048, thinking={"type": "enabled", "budget_tokens": 2048})
    assert message_of(fields) == (
        "`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at "
        "https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size"
    )
    accept(fields, betas=frozenset({"interleaved-thinking-2025-05-14"}))


def test_effective_thinking_defaults() -> None:
    assert accept(minimal()).thinking.type == "disabled"
    sonnet55 = accept(minimal(model="claude-sonnet-5-5"))
    assert (sonnet55.thinking.type, sonnet55.thinking.display) == ("adaptive", "omitted")
    haiku = accept(
        minimal(model="claude-haiku-4-5", max_tokens=4096, thinking={"type": "enabled", "budget_tokens": 1024})
    )
    assert (haiku.thinking.type, haiku.thinking.budget_tokens, haiku.thinking.display) == (
        "enabled",
        1024,
        "summarized",
    )


def test_effort_levels() -> None:
    assert message_of(minimal(model="claude-haiku-4-5", output_config={"effort": "low"})) == (
        "output_config.effort: effort is not supported for this model"
    )
    assert message_of(minimal(model="claude-sonnet-4-6", output_config={"effort": "max"})) == (
        "output_config.effort: 'max' is not supported for this model"
    )
    assert accept(minimal(output_config={"effort": "xhigh"})).effort == "xhigh"


# --- stop sequences, caching -----------------------------------------------------------------------


def test_stop_sequences() -> None:
    assert message_of(minimal(stop_sequences=["END", ""])) == "stop_sequences: each stop sequence must be non-empty"
    assert (
        message_of(minimal(stop_sequences=["\n"])) == "stop_sequences: each stop sequence must contain non-whitespace"
    )
    assert accept(minimal(stop_sequences=["END"])).stop_sequences == ("END",)


def test_at_most_four_cache_breakpoints() -> None:
    ephemeral = {"type": "ephemeral"}
    system = [{"type": "text", "text": f"s{i}", "cache_control": ephemeral} for i in range(3)]
    tools = [{**TOOL, "cache_control": ephemeral}]
    assert accept(minimal(system=system, tools=tools)).cache_breakpoints == 4
    content = [{"type": "text", "text": "x", "cache_control": ephemeral}]
    fields = minimal(system=system, tools=tools, messages=[{"role": "user", "content": content}])
    assert message_of(fields) == "A maximum of 4 blocks with cache_control may be provided. Found 5."
    automatic = minimal(system=system, tools=tools, cache_control=ephemeral)
    assert message_of(automatic) == "A maximum of 4 blocks with cache_control may be provided. Found 5."


# --- count_tokens and helpers ----------------------------------------------------------------------


def test_count_tokens_validation() -> None:
    fields = {"messages": [USER], "model": "claude-opus-4-8", "thinking": {"type": "adaptive"}}
    request = decode_count_tokens_request(body(**fields), api_version=V2026, betas=NO_BETAS)
    conversation = validate_count_tokens_request(request, api_version=V2026, betas=NO_BETAS)
    assert conversation.max_tokens is None
    assert conversation.stream is False
    retired = decode_count_tokens_request(
        body(messages=[USER], model="claude-3-opus-20240229"), api_version=V2026, betas=NO_BETAS
    )
    with pytest.raises(ApiError) as info:
        validate_count_tokens_request(retired, api_version=V2026, betas=NO_BETAS)
    assert info.value.status == 404


def test_context_window_helper() -> None:
    sonnet = resolve("claude-sonnet-4-5")
    assert sonnet is not None
    assert context_window(sonnet, NO_BETAS) == 200_000
    assert context_window(sonnet, frozenset({"context-1m-2025-08-07"})) == 1_000_000
    with pytest.raises(ApiError) as info:
        check_context_window(200_251, sonnet, NO_BETAS)
    assert info.value.message == "prompt is too long: 200251 tokens > 200000 maximum"
    check_context_window(200_000, sonnet, NO_BETAS)


def test_conversation_normal_form() -> None:
    conversation = accept(minimal(system="Be terse.", stream=True, metadata={"user_id": "u1"}))
    assert conversation.system == (TextParam(text="Be terse."),)
    assert conversation.stream is True
    assert conversation.requested_model == "claude-opus-4-8"
    assert conversation.turns[0].blocks == (TextParam(text="Hello, Claude"),)


def test_more_block_rules() -> None:
    thinking = {"type": "thinking", "thinking": "x", "signature": "s"}
    assert message_of(minimal(messages=[{"role": "user", "content": [thinking]}])) == (
        "messages.0.content.0: `thinking` blocks are only allowed in assistant messages"
    )
    source = {"type": "content", "content": [{"type": "text", "text": "a"}, image(JPEG)]}
    document = {"type": "document", "source": source}
    assert message_of(minimal(messages=[{"role": "user", "content": [document]}])) == (
        "messages.0.content.0.document.source.content.content.1.image.source.base64: The image was specified "
        "using the image/png media type, but the image appears to be a image/jpeg image"
    )
    citation = {
        "type": "search_result_location",
        "cited_text": "x",
        "search_result_index": 0,
        "source": "s",
        "title": None,
        "start_block_index": 0,
        "end_block_index": 0,
    }
    search = {
        "type": "search_result",
        "source": "s",
        "title": "t",
        "content": [{"type": "text", "text": "x", "citations": [citation]}],
    }
    assert message_of(minimal(messages=[{"role": "user", "content": [search]}])) == (
        "messages.0.content.0.search_result.content.0.citations: citations are not allowed in user messages"
    )
    accept(minimal(messages=[{"role": "user", "content": [search]}]), V2023)


def test_between_tools_thinking() -> None:
    assert accept(minimal(model="claude-sonnet-5-5", thinking={"type": "between_tools"})).thinking.type == (
        "between_tools"
    )
    assert message_of(minimal(thinking={"type": "between_tools"})) == (
        '"thinking.type.between_tools" is not supported for this model. Use "thinking.type.adaptive" and '
        '"output_config.effort" to control thinking behavior.'
    )
