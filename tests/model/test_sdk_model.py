"""The synthetic model through the official SDK against a running twin (both backends)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import anthropic
import httpx
import jsonschema
import pydantic
import pytest

from tests.support.server import TwinServer
from tests.support.tenants import Tenant, create_tenant

MODEL = "claude-opus-4-8"
THINKING_MODEL = "claude-sonnet-4-6"

ORDER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "customer": {
            "type": "object",
            "properties": {
                "name": {"type": "string"},
                "address": {
                    "type": "object",
                    "properties": {"city": {"type": "string"}, "zip": {"type": "string", "pattern": "^[0-9]{5}$"}},
                    "required": ["city", "zip"],
                },
            },
            "required": ["name", "address"],
        },
        "size": {"type": "string", "enum": ["small", "medium", "large"]},
        "quantity": {"type": "integer", "minimum": 1, "maximum": 12},
        "toppings": {"type": "array", "items": {"type": "string", "enum": ["ham", "olives", "basil"]}, "minItems": 1},
    },
    "required": ["customer", "size", "quantity", "toppings"],
}
ORDER_TOOL: dict[str, Any] = {"name": "place_order", "description": "Place a pizza order", "input_schema": ORDER_SCHEMA}
WEATHER_TOOL: dict[str, Any] = {
    "name": "get_weather",
    "description": "Get the current weather in a given location",
    "input_schema": {"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]},
}


@pytest.fixture
def tenant(twin: TwinServer) -> Tenant:
    """A fresh tenant per test: its own prompt cache and clock."""
    return create_tenant(twin.base_url, "model-tests")


@pytest.fixture
def client(twin: TwinServer, tenant: Tenant) -> Iterator[anthropic.Anthropic]:
    with anthropic.Anthropic(api_key=tenant.mint_key(), base_url=twin.base_url, max_retries=0) as sdk:
        yield sdk


def test_forced_tool_call_validates(client: anthropic.Anthropic) -> None:
    message = client.messages.create(
        model=MODEL,
        max_tokens=1024,
        tools=[WEATHER_TOOL, ORDER_TOOL],  # type: ignore[list-item]
        tool_choice={"type": "tool", "name": "place_order"},
        messages=[{"role": "user", "content": "I'm hungry"}],
    )
    assert message.stop_reason == "tool_use"
    (block,) = message.content
    assert block.type == "tool_use"
    assert block.name == "place_order"
    assert block.id.startswith("toolu_01")
    jsonschema.validate(block.input, ORDER_SCHEMA)


def test_streamed_tool_input_equals_the_final_input(client: anthropic.Anthropic) -> None:
    fields: dict[str, Any] = {
        "model": MODEL,
        "max_tokens": 1024,
        "tools": [ORDER_TOOL],
        "tool_choice": {"type": "any"},
        "messages": [{"role": "user", "content": "Order a large pizza for Ada in Lisbon"}],
    }
    fragments: list[str] = []
    with client.messages.stream(**fields) as stream:
        for event in stream:
            if event.type == "content_block_delta" and event.delta.type == "input_json_delta":
                fragments.append(event.delta.partial_json)
        final = stream.get_final_message()
    (block,) = final.content
    assert block.type == "tool_use"
    assert len(fragments) > 2
    assert json.loads("".join(fragments)) == block.input
    jsonschema.validate(block.input, ORDER_SCHEMA)
    plain = client.messages.create(**fields)
    assert plain.content[0].input == block.input  # type: ignore[union-attr]


def test_agent_loop_ends_in_text(client: anthropic.Anthropic) -> None:
    messages: list[dict[str, Any]] = [{"role": "user", "content": "What's the weather in Kyoto?"}]
    for _turn in range(4):
        message = client.messages.create(model=MODEL, max_tokens=1024, tools=[WEATHER_TOOL], messages=messages)  # type: ignore[arg-type,list-item]
        messages.append({"role": "assistant", "content": [block.to_dict() for block in message.content]})
        if message.stop_reason != "tool_use":
            break
        results = [
            {"type": "tool_result", "tool_use_id": block.id, "content": f"{block.input['location']}: 21C, light rain"}
            for block in message.content
            if block.type == "tool_use"
        ]
        messages.append({"role": "user", "content": results})
    assert message.stop_reason == "end_turn"
    assert len(messages) == 4  # question, tool call, result, answer
    (text,) = message.content
    assert text.type == "text"
    assert "21C, light rain" in text.text


def test_thinking_round_trip_and_tampering(client: anthropic.Anthropic) -> None:
    question = {"role": "user", "content": "Why is the sky blue?"}
    thinking: Any = {"type": "enabled", "budget_tokens": 2048}
    with client.messages.stream(model=THINKING_MODEL, max_tokens=4096, thinking=thinking, messages=[question]) as s:
        kinds = [event.delta.type for event in s if event.type == "content_block_delta"]
        first = s.get_final_message()
    assert [block.type for block in first.content] == ["thinking", "text"]
    assert "thinking_delta" in kinds
    assert "signature_delta" in kinds
    assert first.usage.output_tokens_details is not None
    assert first.usage.output_tokens_details.thinking_tokens > 0
    echoed = {"role": "assistant", "content": [block.to_dict() for block in first.content]}
    follow_up = {"role": "user", "content": "And at sunset?"}
    second = client.messages.create(
        model=THINKING_MODEL,
        max_tokens=4096,
        thinking=thinking,
        messages=[question, echoed, follow_up],  # type: ignore[list-item]
    )
    assert second.content[0].type == "thinking"
    tampered = json.loads(json.dumps(echoed))
    tampered["content"][0]["thinking"] = tampered["content"][0]["thinking"].replace("the", "a", 1) + "!"
    with pytest.raises(anthropic.BadRequestError) as caught:
        client.messages.create(
            model=THINKING_MODEL, max_tokens=4096, thinking=thinking, messages=[question, tampered, follow_up]
        )
    assert "cannot be modified" in str(caught.value)
    forged = json.loads(json.dumps(echoed))
    forged["content"][0]["signature"] = forged["content"][0]["signature"][:-12]
    with pytest.raises(anthropic.BadRequestError) as caught:
        client.messages.create(
            model=THINKING_MODEL, max_tokens=4096, thinking=thinking, messages=[question, forged, follow_up]
        )
    assert "messages.1.content.0: Invalid `signature` in `thinking` block" in str(caught.value)


class Order(pydantic.BaseModel):
    customer: str
    size: str
    quantity: int
    toppings: list[str]
    notes: str | None = None


def test_messages_parse_returns_a_valid_object(client: anthropic.Anthropic) -> None:
    parsed = client.messages.parse(
        model=MODEL,
        max_tokens=1024,
        messages=[{"role": "user", "content": "Order me a pizza"}],
        output_format=Order,
    )
    assert isinstance(parsed.parsed_output, Order)
    assert len(parsed.content) == 1
    with client.messages.stream(
        model=MODEL,
        max_tokens=1024,
        messages=[{"role": "user", "content": "Order me a pizza"}],
        output_format=Order,
    ) as stream:
        streamed = stream.get_final_message()
    assert isinstance(streamed.parsed_output, Order)
    assert streamed.parsed_output == parsed.parsed_output  # streamed or not, the same answer


def advance(twin: TwinServer, tenant: Tenant, ms: int) -> None:
    response = httpx.post(f"{twin.base_url}/_twin/clock", auth=tenant.basic, json={"advance_ms": ms}, timeout=30)
    assert response.status_code == 200, response.text


def test_cache_write_read_expiry(twin: TwinServer, tenant: Tenant, client: anthropic.Anthropic) -> None:
    system = " ".join(f"Policy {index}: answer politely and precisely." for index in range(700))

    def ask(question: str, stream: bool = False) -> anthropic.types.Usage:
        fields: Any = {
            "model": MODEL,
            "max_tokens": 256,
            "system": [{"type": "text", "text": system, "cache_control": {"type": "ephemeral"}}],
            "messages": [{"role": "user", "content": question}],
        }
        if stream:
            with client.messages.stream(**fields) as s:
                return s.get_final_message().usage
        return client.messages.create(**fields).usage

    written = ask("First question")
    assert (written.cache_creation_input_tokens or 0) > 1000
    assert written.cache_read_input_tokens == 0
    assert written.cache_creation is not None
    assert written.cache_creation.ephemeral_5m_input_tokens == written.cache_creation_input_tokens
    assert written.input_tokens > 0

    advance(twin, tenant, 4 * 60_000)
    read = ask("Second question", stream=True)
    assert read.cache_read_input_tokens == written.cache_creation_input_tokens
    assert read.cache_creation_input_tokens == 0

    advance(twin, tenant, 4 * 60_000)  # 8 minutes after the write, 4 after the refreshing read
    assert ask("Third question").cache_read_input_tokens == written.cache_creation_input_tokens

    advance(twin, tenant, 5 * 60_000 + 1000)
    expired = ask("Fourth question")
    assert expired.cache_read_input_tokens == 0
    assert expired.cache_creation_input_tokens == written.cache_creation_input_tokens
