"""The synthetic model in process: tool use, structured output, thinking, prompt caching, text."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import jsonschema
import pytest

from tests.wire.helpers import accept, minimal
from twin.domain.completion import Completion, ModelContext
from twin.domain.model import respond
from twin.domain.prompt_cache import TTL_US
from twin.domain.thinking import REDACTED_THINKING_TRIGGER
from twin.domain.tokens import count_input_tokens
from twin.events import CacheEffect
from twin.ids import new_tool_use_id
from twin.wire.encode import encode
from twin.wire.errors import ApiError
from twin.wire.response import RedactedThinkingBlock, TextBlock, ThinkingBlock, ToolUseBlock

KEY = bytes(range(32))
NOW = 1_800_000_000_000_000

WEATHER = {
    "name": "get_weather",
    "description": "Get the current weather in a given location",
    "input_schema": {
        "type": "object",
        "properties": {
            "location": {"type": "string", "description": "The city and state"},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
        },
        "required": ["location"],
    },
}
ORDER_SCHEMA = {
    "type": "object",
    "properties": {
        "customer": {
            "type": "object",
            "properties": {"name": {"type": "string"}, "email": {"type": "string", "format": "email"}},
            "required": ["name", "email"],
            "additionalProperties": False,
        },
        "quantity": {"type": "integer", "minimum": 1, "maximum": 10},
        "size": {"type": "string", "enum": ["S", "M", "L"]},
        "toppings": {"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 3},
    },
    "required": ["customer", "quantity", "size", "toppings"],
    "additionalProperties": False,
}
ORDER = {"name": "place_order", "description": "Place a pizza order", "input_schema": ORDER_SCHEMA}


def context(lookup: Callable[[str], int | None] | None = None, now_us: int = NOW) -> ModelContext:
    if lookup is None:
        return ModelContext(signing_key=KEY, now_us=now_us, new_tool_use_id=new_tool_use_id)
    return ModelContext(signing_key=KEY, now_us=now_us, new_tool_use_id=new_tool_use_id, prompt_cache=lookup)


def run(fields: dict[str, Any], ctx: ModelContext | None = None, **options: Any) -> Completion:
    return respond(accept(minimal(**fields), **options), ctx or context())


def user(text: str) -> list[dict[str, Any]]:
    return [{"role": "user", "content": text}]


def joined(completion: Completion, index: int) -> str:
    return "".join(completion.blocks[index].chunks)


# --- tool use --------------------------------------------------------------------------------


def test_forced_tool_call_is_valid_against_the_schema() -> None:
    for prompt in ("I'd like a pizza", "hello", "order something for Ada"):
        completion = run(
            {
                "tools": [WEATHER, ORDER],
                "tool_choice": {"type": "tool", "name": "place_order"},
                "messages": user(prompt),
            }
        )
        assert completion.stop_reason == "tool_use"
        (plan,) = completion.blocks  # forced: no text before the call
        block = plan.block
        assert isinstance(block, ToolUseBlock)
        assert block.name == "place_order"
        assert block.id.startswith("toolu_01")
        jsonschema.validate(block.input, ORDER_SCHEMA)
        assert plan.chunks[0] == ""
        assert json.loads("".join(plan.chunks)) == block.input


def test_any_calls_some_tool() -> None:
    completion = run({"tools": [WEATHER, ORDER], "tool_choice": {"type": "any"}, "messages": user("hi")})
    assert completion.stop_reason == "tool_use"
    assert isinstance(completion.blocks[-1].block, ToolUseBlock)


def test_auto_calls_when_the_prompt_asks_and_fills_hints() -> None:
    completion = run({"tools": [WEATHER, ORDER], "messages": user("What's the weather like in Paris?")})
    assert completion.stop_reason == "tool_use"
    text, call = (plan.block for plan in completion.blocks)
    assert isinstance(text, TextBlock)
    assert "get_weather" in text.text
    assert isinstance(call, ToolUseBlock)
    assert call.name == "get_weather"
    assert call.input["location"] == "Paris"


def test_auto_answers_in_text_when_not_asked() -> None:
    completion = run({"tools": [WEATHER], "messages": user("Tell me a joke about cats")})
    assert completion.stop_reason == "end_turn"
    assert all(isinstance(plan.block, TextBlock) for plan in completion.blocks)


def test_none_never_calls() -> None:
    completion = run({"tools": [WEATHER], "tool_choice": {"type": "none"}, "messages": user("weather in Paris?")})
    assert completion.stop_reason == "end_turn"


def test_parallel_calls_and_disable_parallel() -> None:
    prompt = "Check the weather in Oslo and place an order for pizza"
    both = run({"tools": [WEATHER, ORDER], "messages": user(prompt)})
    names = [plan.block.name for plan in both.blocks if isinstance(plan.block, ToolUseBlock)]
    assert sorted(names) == ["get_weather", "place_order"]
    ids = [plan.block.id for plan in both.blocks if isinstance(plan.block, ToolUseBlock)]
    assert len(set(ids)) == 2
    one = run(
        {
            "tools": [WEATHER, ORDER],
            "tool_choice": {"type": "auto", "disable_parallel_tool_use": True},
            "messages": user(prompt),
        }
    )
    assert len([plan for plan in one.blocks if isinstance(plan.block, ToolUseBlock)]) == 1


def test_after_a_tool_result_the_answer_is_text_about_it() -> None:
    messages = [
        {"role": "user", "content": "What's the weather in Paris?"},
        {
            "role": "assistant",
            "content": [{"type": "tool_use", "id": "toolu_01A", "name": "get_weather", "input": {"location": "Paris"}}],
        },
        {
            "role": "user",
            "content": [{"type": "tool_result", "tool_use_id": "toolu_01A", "content": "18 degrees and sunny"}],
        },
    ]
    completion = run({"tools": [WEATHER], "messages": messages})
    assert completion.stop_reason == "end_turn"
    (plan,) = completion.blocks
    assert isinstance(plan.block, TextBlock)
    assert "get_weather" in plan.block.text
    assert "18 degrees and sunny" in plan.block.text


def test_claude_code_reminders_do_not_trigger_tools() -> None:
    bash = {
        "name": "Bash",
        "description": "Executes a given bash command",
        "input_schema": {"type": "object", "properties": {"command": {"type": "string"}}, "required": ["command"]},
    }
    reminder = "<system-reminder>You can use the Bash tool to run commands.</system-reminder>"
    quiet = run(
        {
            "tools": [bash],
            "messages": [
                {"role": "user", "content": [{"type": "text", "text": reminder}, {"type": "text", "text": "say hello"}]}
            ],
        }
    )
    assert quiet.stop_reason == "end_turn"
    asked = run(
        {
            "tools": [bash],
            "messages": [
                {
                    "role": "user",
                    "content": [{"type": "text", "text": reminder}, {"type": "text", "text": "use Bash to run ls -la"}],
                }
            ],
        }
    )
    call = asked.blocks[-1].block
    assert isinstance(call, ToolUseBlock)
    assert call.input == {"command": "ls -la"}


def test_unsatisfiable_tool_schema_is_a_400() -> None:
    bad = {
        "name": "bad",
        "input_schema": {
            "type": "object",
            "properties": {"n": {"type": "integer", "minimum": 5, "maximum": 1}},
            "required": ["n"],
        },
    }
    with pytest.raises(ApiError) as caught:
        run({"tools": [bad], "tool_choice": {"type": "any"}})
    assert caught.value.status == 400
    assert caught.value.message.startswith("tools.0.custom.input_schema")


# --- structured output ----------------------------------------------------------------------


def test_structured_output_is_one_json_text_block() -> None:
    completion = run({"output_config": {"format": {"type": "json_schema", "schema": ORDER_SCHEMA}}})
    (plan,) = completion.blocks
    assert isinstance(plan.block, TextBlock)
    jsonschema.validate(json.loads(plan.block.text), ORDER_SCHEMA)
    assert "".join(plan.chunks) == plan.block.text


def test_structured_output_beta_field() -> None:
    fields = {"output_format": {"type": "json_schema", "schema": ORDER_SCHEMA}}
    completion = run(fields, betas=frozenset({"structured-outputs-2025-11-13"}))
    jsonschema.validate(json.loads(completion.blocks[0].block.text), ORDER_SCHEMA)  # type: ignore[union-attr]


def test_unsatisfiable_output_schema_is_a_400() -> None:
    with pytest.raises(ApiError) as caught:
        run(
            {
                "output_config": {
                    "format": {"type": "json_schema", "schema": {"type": "string", "minLength": 3, "maxLength": 1}}
                }
            }
        )
    assert caught.value.message.startswith("output_config.format.schema")


# --- thinking ---------------------------------------------------------------------------------

THINKING = {"model": "claude-sonnet-4-5", "max_tokens": 4000, "thinking": {"type": "enabled", "budget_tokens": 2048}}


def thinking_turn(completion: Completion) -> dict[str, Any]:
    message = completion.message(message_id="msg_x", model="m")
    return {"role": "assistant", "content": json.loads(encode(message))["content"]}


def test_thinking_block_first_signed_and_streamed() -> None:
    completion = run({**THINKING, "messages": user("Why is the sky blue?")})
    thinking, text = (plan for plan in completion.blocks)
    assert isinstance(thinking.block, ThinkingBlock)
    assert isinstance(text.block, TextBlock)
    assert thinking.block.thinking
    assert thinking.block.signature
    assert "".join(thinking.chunks) == thinking.block.thinking
    usage = completion.usage
    assert usage.output_tokens_details is not None
    assert 0 < usage.output_tokens_details.thinking_tokens <= usage.output_tokens  # type: ignore[union-attr]


def test_thinking_round_trip_and_tampering() -> None:
    first = run({**THINKING, "messages": user("Why is the sky blue?")})
    turn = thinking_turn(first)
    history = [*user("Why is the sky blue?"), turn, *user("And at sunset?")]
    second = run({**THINKING, "messages": history})
    assert isinstance(second.blocks[0].block, ThinkingBlock)
    tampered = json.loads(json.dumps(turn))
    tampered["content"][0]["thinking"] += " (edited)"
    with pytest.raises(ApiError) as caught:
        run({**THINKING, "messages": [*user("Why is the sky blue?"), tampered, *user("And at sunset?")]})
    assert caught.value.message == (
        "messages.1.content.0: `thinking` or `redacted_thinking` blocks in the latest assistant message cannot be "
        "modified. These blocks must remain as they were in the original response."
    )
    forged = json.loads(json.dumps(turn))
    forged["content"][0]["signature"] = "EqQBCkYIBxgCKkBforgedsignature=="
    with pytest.raises(ApiError) as caught:
        run({**THINKING, "messages": [*user("Why is the sky blue?"), forged, *user("And at sunset?")]})
    assert caught.value.message == "messages.1.content.0: Invalid `signature` in `thinking` block"


def test_other_deployments_signatures_are_rejected() -> None:
    turn = thinking_turn(run({**THINKING, "messages": user("hi")}))
    other = ModelContext(signing_key=b"x" * 32, now_us=NOW, new_tool_use_id=new_tool_use_id)
    with pytest.raises(ApiError):
        respond(accept(minimal(**THINKING, messages=[*user("hi"), turn, *user("more")])), other)


def test_display_omitted_sends_empty_thinking_with_a_valid_signature() -> None:
    fields = {**THINKING, "thinking": {"type": "enabled", "budget_tokens": 2048, "display": "omitted"}}
    completion = run({**fields, "messages": user("Plan a trip")})
    plan = completion.blocks[0]
    assert isinstance(plan.block, ThinkingBlock)
    assert plan.block.thinking == ""
    assert plan.chunks == ()
    assert plan.block.signature
    assert completion.usage.output_tokens_details.thinking_tokens > 0  # type: ignore[union-attr]
    turn = thinking_turn(completion)
    run({**fields, "messages": [*user("Plan a trip"), turn, *user("Go on")]})


def test_adaptive_thinking() -> None:
    completion = run({"model": "claude-opus-4-6", "thinking": {"type": "adaptive"}, "messages": user("Explain")})
    assert isinstance(completion.blocks[0].block, ThinkingBlock)


def test_redacted_thinking_round_trips() -> None:
    prompt = f"Think about {REDACTED_THINKING_TRIGGER}"
    completion = run({**THINKING, "messages": user(prompt)})
    assert isinstance(completion.blocks[0].block, RedactedThinkingBlock)
    turn = thinking_turn(completion)
    run({**THINKING, "messages": [*user(prompt), turn, *user("go on")]})
    turn["content"][0]["data"] = turn["content"][0]["data"][:-8] + "AAAAAAA="
    with pytest.raises(ApiError):
        run({**THINKING, "messages": [*user(prompt), turn, *user("go on")]})


def test_thinking_with_tools_and_a_tool_loop() -> None:
    fields = {**THINKING, "tools": [WEATHER]}
    first = run({**fields, "messages": user("What's the weather in Kyoto?")})
    kinds = [type(plan.block).__name__ for plan in first.blocks]
    assert kinds == ["ThinkingBlock", "TextBlock", "ToolUseBlock"]
    turn = thinking_turn(first)
    call = turn["content"][-1]
    result = {"role": "user", "content": [{"type": "tool_result", "tool_use_id": call["id"], "content": "sunny"}]}
    second = run({**fields, "messages": [*user("What's the weather in Kyoto?"), turn, result]})
    assert second.stop_reason == "end_turn"
    assert "sunny" in second.blocks[-1].block.text  # type: ignore[union-attr]


# --- text -------------------------------------------------------------------------------------


def test_deterministic_and_distinct() -> None:
    texts = set()
    for index in range(150):
        fields = {"messages": user(f"Question number {index}: what is {index} plus {index}?")}
        first, again = run(fields), run(fields)
        assert first.blocks[0].block == again.blocks[0].block
        texts.add(first.blocks[0].block.text)  # type: ignore[union-attr]
    assert len(texts) == 150


def test_max_tokens_cuts() -> None:
    completion = run({"max_tokens": 5})
    assert completion.stop_reason == "max_tokens"
    assert completion.usage.output_tokens <= 5


# --- prompt caching ---------------------------------------------------------------------------

LONG_SYSTEM = " ".join(f"rule{index} applies to every answer" for index in range(1200))


class Cache:
    """The prompt-cache view's rule, in miniature: effects fold into expiries."""

    def __init__(self) -> None:
        self.expires: dict[str, int] = {}

    def apply(self, effects: tuple[CacheEffect, ...], now_us: int) -> None:
        for effect in effects:
            self.expires[effect.prefix_hash] = max(self.expires.get(effect.prefix_hash, 0), now_us + TTL_US[effect.ttl])

    def lookup(self, prefix_hash: str) -> int | None:
        return self.expires.get(prefix_hash)


def cached(ttl: str | None = None, question: str = "Hi") -> dict[str, Any]:
    control = {"type": "ephemeral", **({"ttl": ttl} if ttl else {})}
    return {"system": [{"type": "text", "text": LONG_SYSTEM, "cache_control": control}], "messages": user(question)}


def test_write_read_refresh_expire() -> None:
    cache = Cache()
    now = NOW
    first = run(cached(), context(cache.lookup, now))
    usage = first.usage
    total = count_input_tokens(accept(minimal(**cached())))
    assert usage.cache_creation_input_tokens
    assert usage.cache_read_input_tokens == 0
    assert usage.cache_creation.ephemeral_5m_input_tokens == usage.cache_creation_input_tokens  # type: ignore[union-attr]
    assert usage.input_tokens + usage.cache_creation_input_tokens == total
    cache.apply(first.cache_effects, now)

    now += 4 * 60 * 1_000_000
    second = run(cached(question="Another question"), context(cache.lookup, now))
    assert second.usage.cache_read_input_tokens == usage.cache_creation_input_tokens
    assert second.usage.cache_creation_input_tokens == 0
    cache.apply(second.cache_effects, now)  # the read refreshes the TTL

    now += 4 * 60 * 1_000_000  # 8 minutes after the write, 4 after the read
    third = run(cached(), context(cache.lookup, now))
    assert third.usage.cache_read_input_tokens == usage.cache_creation_input_tokens
    cache.apply(third.cache_effects, now)

    now += 5 * 60 * 1_000_000 + 1  # expired
    fourth = run(cached(), context(cache.lookup, now))
    assert fourth.usage.cache_read_input_tokens == 0
    assert fourth.usage.cache_creation_input_tokens == usage.cache_creation_input_tokens


def test_one_hour_ttl() -> None:
    cache = Cache()
    first = run(cached("1h"), context(cache.lookup))
    assert first.usage.cache_creation.ephemeral_1h_input_tokens > 0  # type: ignore[union-attr]
    cache.apply(first.cache_effects, NOW)
    later = run(cached("1h"), context(cache.lookup, NOW + 30 * 60 * 1_000_000))
    assert later.usage.cache_read_input_tokens == first.usage.cache_creation_input_tokens


def test_short_prefixes_are_not_cached() -> None:
    fields = {"system": [{"type": "text", "text": "Be brief.", "cache_control": {"type": "ephemeral"}}]}
    completion = run(fields)
    assert completion.usage.cache_creation_input_tokens == 0
    assert completion.cache_effects == ()


def test_a_moving_breakpoint_reads_the_earlier_prefix() -> None:
    cache = Cache()
    first_turn = {
        "role": "user",
        "content": [{"type": "text", "text": LONG_SYSTEM, "cache_control": {"type": "ephemeral"}}],
    }
    first = run({"messages": [first_turn]}, context(cache.lookup))
    cache.apply(first.cache_effects, NOW)
    grown = [
        {"role": "user", "content": [{"type": "text", "text": LONG_SYSTEM}]},
        {"role": "assistant", "content": "Noted."},
        {"role": "user", "content": [{"type": "text", "text": "Next?", "cache_control": {"type": "ephemeral"}}]},
    ]
    second = run({"messages": grown}, context(cache.lookup, NOW + 1))
    assert second.usage.cache_read_input_tokens == first.usage.cache_creation_input_tokens
    assert second.usage.cache_creation_input_tokens > 0  # the new tail is written


def test_top_level_cache_control_marks_the_last_block() -> None:
    completion = run({"cache_control": {"type": "ephemeral"}, "messages": user(LONG_SYSTEM)})
    assert completion.usage.cache_creation_input_tokens > 0


def test_damaged_twin_signatures_are_invalid_foreign_ones_unverifiable() -> None:
    import base64

    turn = thinking_turn(run({**THINKING, "messages": user("Why?")}))
    signature = turn["content"][0]["signature"]

    def with_signature(value: str) -> list[dict[str, Any]]:
        changed = json.loads(json.dumps(turn))
        changed["content"][0]["signature"] = value
        return [*user("Why?"), changed, *user("More")]

    for damaged in (signature[:-8], signature[:40] + "A" * 8 + signature[48:], "not base64!", ""):
        with pytest.raises(ApiError) as caught:
            run({**THINKING, "messages": with_signature(damaged)})
        assert caught.value.message == "messages.1.content.0: Invalid `signature` in `thinking` block"
    # a real-API-looking signature cannot be checked: accepted, so recorded conversations replay
    foreign = base64.b64encode(b"\x12\xf4\x01" + bytes(range(120))).decode()
    run({**THINKING, "messages": with_signature(foreign)})


def test_enabled_thinking_needs_the_thinking_block_inside_a_tool_loop() -> None:
    call = {"type": "tool_use", "id": "toolu_01A", "name": "get_weather", "input": {"location": "Oslo"}}
    result = {"type": "tool_result", "tool_use_id": "toolu_01A", "content": "cold"}
    messages = [
        *user("Weather in Oslo?"),
        {"role": "assistant", "content": [call]},
        {"role": "user", "content": [result]},
    ]
    with pytest.raises(ApiError) as caught:
        accept(minimal(**THINKING, tools=[WEATHER], messages=messages))
    assert caught.value.message.startswith(
        "messages.1.content.0.type: Expected `thinking` or `redacted_thinking`, but found `tool_use`. When `thinking` "
        "is enabled, a final `assistant` message must start with a thinking block"
    )
    accept(minimal(tools=[WEATHER], messages=messages))  # without thinking: fine
    fresh = [*messages, {"role": "assistant", "content": "It is cold."}, *user("Thanks")]
    accept(minimal(**THINKING, tools=[WEATHER], messages=fresh))  # a new user turn: no requirement


def test_manual_thinking_thinks_again_after_a_tool_result_only_when_interleaved() -> None:
    fields = {**THINKING, "tools": [WEATHER]}
    first = run({**fields, "messages": user("What's the weather in Kyoto?")})
    turn = thinking_turn(first)
    result = {
        "role": "user",
        "content": [{"type": "tool_result", "tool_use_id": turn["content"][-1]["id"], "content": "ok"}],
    }
    history = [*user("What's the weather in Kyoto?"), turn, result]
    plain = run({**fields, "messages": history})
    assert [type(plan.block).__name__ for plan in plain.blocks] == ["TextBlock"]
    interleaved = run({**fields, "messages": history}, betas=frozenset({"interleaved-thinking-2025-05-14"}))
    assert isinstance(interleaved.blocks[0].block, ThinkingBlock)


@pytest.mark.parametrize(
    ("prompt", "called"),
    [
        ("use Bash to run ls", True),
        ("please run `pwd` with the bash tool", True),
        ("Write a haiku about autumn", False),
        ("Read me a story", False),
        ("Could you Read the file notes.txt", True),
    ],
)
def test_one_word_tool_names_must_be_meant(prompt: str, called: bool) -> None:
    tools = [
        {"name": name, "description": "A tool.", "input_schema": {"type": "object", "properties": {}}}
        for name in ("Bash", "Read", "Write")
    ]
    completion = run({"tools": tools, "messages": user(prompt)})
    assert (completion.stop_reason == "tool_use") is called


def test_tool_input_examples_are_imitated() -> None:
    tool = {**WEATHER, "input_examples": [{"location": "San Francisco, CA", "unit": "celsius"}, {"nope": 1}]}
    completion = run(
        {"tools": [tool], "tool_choice": {"type": "any"}, "messages": user("hi")},
        betas=frozenset({"advanced-tool-use-2025-11-20"}),
    )
    call = completion.blocks[-1].block
    assert isinstance(call, ToolUseBlock)
    assert call.input == {"location": "San Francisco, CA", "unit": "celsius"}


def test_repeated_requests_are_answered_alike_but_tool_ids_stay_fresh() -> None:
    plain = {"messages": user("Tell me about tides and the moon")}
    assert run(plain) == run(plain)
    forced = {"messages": user("hello"), "tools": [WEATHER], "tool_choice": {"type": "any"}}
    first, second = run(forced), run(forced)
    ids = [plan.block.id for c in (first, second) for plan in c.blocks if isinstance(plan.block, ToolUseBlock)]
    assert len(ids) == len(set(ids)) == 2
