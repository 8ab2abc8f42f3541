"""Invariants of every answer, over generated requests: chunks rebuild each block exactly, usage
adds up to the token count, limits hold, and the stop reason matches the content."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.wire.helpers import accept, minimal
from twin.domain.completion import ModelContext
from twin.domain.model import respond
from twin.domain.tokens import count_input_tokens
from twin.ids import new_tool_use_id
from twin.wire.response import RedactedThinkingBlock, TextBlock, ThinkingBlock, ToolUseBlock

CONTEXT = ModelContext(signing_key=b"k" * 32, now_us=1_800_000_000_000_000, new_tool_use_id=new_tool_use_id)
TOOLS = [
    {
        "name": "get_weather",
        "description": "Get the current weather in a given location",
        "input_schema": {"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]},
    },
    {
        "name": "search_docs",
        "description": "Search the documentation index",
        "input_schema": {
            "type": "object",
            "properties": {"query": {"type": "string"}, "limit": {"type": "integer", "minimum": 1, "maximum": 50}},
            "required": ["query", "limit"],
        },
    },
]
words = st.sampled_from(["weather", "Paris", "search", "docs", "hello", "why", "run", "`ls`", "in", "Oslo", "and"])
prompts = st.lists(words, min_size=1, max_size=12).map(" ".join)


@st.composite
def requests(draw: st.DrawFn) -> dict[str, Any]:
    fields: dict[str, Any] = {"messages": [{"role": "user", "content": draw(prompts)}]}
    fields["max_tokens"] = draw(st.sampled_from([1, 5, 30, 4096]))
    if draw(st.booleans()):
        fields["tools"] = TOOLS
        fields["tool_choice"] = draw(
            st.sampled_from(
                [
                    {"type": "auto"},
                    {"type": "any"},
                    {"type": "none"},
                    {"type": "auto", "disable_parallel_tool_use": True},
                ]
            )
        )
    elif draw(st.booleans()):
        schema = {
            "type": "object",
            "properties": {"n": {"type": "integer"}, "s": {"type": "string"}},
            "required": ["n"],
        }
        fields["output_config"] = {"format": {"type": "json_schema", "schema": schema}}
    if draw(st.booleans()) and fields.get("tool_choice", {}).get("type") not in ("any",):
        fields["model"] = "claude-sonnet-4-6"
        fields["max_tokens"] = 4096
        fields["thinking"] = {
            "type": "enabled",
            "budget_tokens": 1024,
            "display": draw(st.sampled_from(["summarized", "omitted"])),
        }
    if draw(st.booleans()):
        fields["stop_sequences"] = [draw(words)]
    return fields


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fields=requests())
def test_answer_invariants(fields: dict[str, Any]) -> None:
    conversation = accept(minimal(**fields))
    completion = respond(conversation, CONTEXT)
    usage = completion.usage
    total = usage.input_tokens + (usage.cache_read_input_tokens or 0) + (usage.cache_creation_input_tokens or 0)
    assert total == count_input_tokens(conversation)
    assert usage.output_tokens <= max(1, fields["max_tokens"])
    thinking = usage.output_tokens_details.thinking_tokens  # type: ignore[union-attr]
    assert 0 <= thinking <= usage.output_tokens
    for plan in completion.blocks:
        block = plan.block
        if isinstance(block, TextBlock):
            assert "".join(plan.chunks) == block.text
        elif isinstance(block, ThinkingBlock):
            assert "".join(plan.chunks) == block.thinking
            assert block.signature
        elif isinstance(block, ToolUseBlock):
            assert json.loads("".join(plan.chunks)) == block.input
            assert plan.chunks[0] == ""
        else:
            assert isinstance(block, RedactedThinkingBlock)
    kinds = [type(plan.block) for plan in completion.blocks]
    if completion.stop_reason == "tool_use":
        assert kinds[-1] is ToolUseBlock
    elif kinds and kinds[-1] is ToolUseBlock:
        assert completion.stop_reason == "max_tokens"  # a later parallel call did not fit
    if completion.stop_reason == "stop_sequence":
        assert completion.stop_sequence in fields["stop_sequences"]
    if "output_config" in fields and completion.stop_reason == "end_turn":
        (text,) = [plan.block for plan in completion.blocks if isinstance(plan.block, TextBlock)]
        assert isinstance(json.loads(text.text), dict)
    again = respond(conversation, CONTEXT)
    assert [plan.chunks for plan in again.blocks] == [plan.chunks for plan in completion.blocks]
