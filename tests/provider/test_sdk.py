"""The official Python SDK 2.12.0 (Bearer + 2026-10-21) against the real server, on both backends."""

from __future__ import annotations

import asyncio
from typing import Any

import anthropic
import pytest
from anthropic.types import MessageParam

from tests.support.server import TwinServer
from tests.support.tenants import create_tenant

from .helpers import ID_SUFFIX, MODEL, request_events

MESSAGES: list[MessageParam] = [{"role": "user", "content": "Tell me about digital twins."}]


def test_create_returns_a_full_message(client: anthropic.Anthropic) -> None:
    message = client.messages.create(model=MODEL, max_tokens=300, messages=MESSAGES)
    assert message.type == "message"
    assert message.role == "assistant"
    assert message.model == MODEL
    assert message.id.startswith("msg_")
    assert ID_SUFFIX.match(message.id[4:])
    assert message.stop_reason == "end_turn"
    assert message.stop_sequence is None
    assert message.content
    assert message.content[0].type == "text"
    assert message.content[0].text
    usage = message.usage
    assert usage.input_tokens > 0
    assert 0 < usage.output_tokens <= 300
    assert usage.cache_creation_input_tokens == 0
    assert usage.cache_read_input_tokens == 0
    assert usage.service_tier == "standard"
    assert message._request_id is not None
    assert message._request_id.startswith("req_")


def test_same_request_same_content(client: anthropic.Anthropic) -> None:
    first = client.messages.create(model=MODEL, max_tokens=300, messages=MESSAGES)
    second = client.messages.create(model=MODEL, max_tokens=300, messages=MESSAGES)
    assert first.id != second.id
    assert first.content == second.content
    assert first.usage == second.usage


def test_stream_helper_accumulates_to_the_non_streamed_message(client: anthropic.Anthropic) -> None:
    expected = client.messages.create(model=MODEL, max_tokens=300, messages=MESSAGES)
    with client.messages.stream(model=MODEL, max_tokens=300, messages=MESSAGES) as stream:
        text = "".join(stream.text_stream)
        final = stream.get_final_message()
        assert stream.request_id is not None
        assert stream.request_id.startswith("req_")
    assert text == expected.content[0].text  # type: ignore[union-attr]
    assert final.model_dump(exclude={"id"}) == expected.model_dump(exclude={"id"})
    assert final.id.startswith("msg_")


def test_raw_stream_events_follow_the_grammar(client: anthropic.Anthropic) -> None:
    stream = client.messages.create(model=MODEL, max_tokens=300, messages=MESSAGES, stream=True)
    events = list(stream)
    types = [event.type for event in events]
    assert types[0] == "message_start"
    assert types[1] == "content_block_start"
    assert types[-2:] == ["message_delta", "message_stop"]
    assert "ping" not in types  # the SDK swallows pings
    start = events[0]
    assert start.type == "message_start"
    assert start.message.content == []
    assert start.message.stop_reason is None
    assert start.message.usage.input_tokens > 0
    assert start.message.usage.output_tokens >= 1
    delta = events[-2]
    assert delta.type == "message_delta"
    assert delta.delta.stop_reason == "end_turn"
    assert delta.usage.output_tokens >= 1
    assert delta.usage.input_tokens == start.message.usage.input_tokens


def test_count_tokens_equals_usage_input_tokens(client: anthropic.Anthropic) -> None:
    system = "You are terse."
    tools: list[Any] = [
        {
            "name": "get_weather",
            "description": "Weather of a city",
            "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
        }
    ]
    counted = client.messages.count_tokens(model=MODEL, messages=MESSAGES, system=system, tools=tools)
    message = client.messages.create(model=MODEL, max_tokens=300, messages=MESSAGES, system=system, tools=tools)
    assert counted.input_tokens == message.usage.input_tokens
    bare = client.messages.count_tokens(model=MODEL, messages=MESSAGES)
    assert bare.input_tokens < counted.input_tokens  # system and tools count


def test_beta_count_tokens_sends_its_beta(client: anthropic.Anthropic) -> None:
    counted = client.beta.messages.count_tokens(model=MODEL, messages=MESSAGES)
    assert counted.input_tokens == client.messages.count_tokens(model=MODEL, messages=MESSAGES).input_tokens


def test_models_list_auto_paginates_with_limit_1(client: anthropic.Anthropic) -> None:
    everything = client.models.list(limit=1000)
    assert everything.has_more is False
    ids = [model.id for model in everything.data]
    assert MODEL in ids
    assert "claude-sonnet-5" in ids
    created = [model.created_at for model in everything.data]
    assert created == sorted(created, reverse=True)  # newest first
    paged = [model.id for model in client.models.list(limit=1)]
    assert paged == ids
    first = client.models.list(limit=1)
    assert len(first.data) == 1
    assert first.has_more is True
    assert first.first_id == first.last_id == ids[0]


def test_models_retrieve_by_id_and_alias(client: anthropic.Anthropic) -> None:
    model = client.models.retrieve(MODEL)
    assert model.id == MODEL
    assert model.type == "model"
    assert model.display_name == "Claude Opus 4.8"
    assert model.capabilities is not None
    aliased = client.models.retrieve("claude-sonnet-4-5")
    assert aliased.id == "claude-sonnet-4-5-20250929"


def test_async_client_under_100_concurrent_requests(twin: TwinServer, api_key: str) -> None:
    async def main() -> list[anthropic.types.Message]:
        async with anthropic.AsyncAnthropic(api_key=api_key, base_url=twin.base_url, max_retries=0) as sdk:
            return await asyncio.gather(
                *(
                    sdk.messages.create(
                        model=MODEL, max_tokens=100, messages=[{"role": "user", "content": f"Question number {i}"}]
                    )
                    for i in range(100)
                )
            )

    messages = asyncio.run(main())
    assert len(messages) == 100
    assert len({message.id for message in messages}) == 100
    assert len({message._request_id for message in messages}) == 100
    assert all(message.content for message in messages)


# ------------------------------------------------------------------------- errors, typed by the SDK


def test_bad_request_error(client: anthropic.Anthropic) -> None:
    with pytest.raises(anthropic.BadRequestError) as caught:
        client.messages.create(model=MODEL, max_tokens=100, messages=MESSAGES, extra_body={"temperature": 1.0})
    error = caught.value
    assert error.status_code == 400
    assert error.body == {
        "type": "error",
        "error": {"type": "invalid_request_error", "message": "temperature: Extra inputs are not permitted"},
        "request_id": error.request_id,
    }
    assert error.request_id is not None
    assert error.request_id.startswith("req_")


def test_authentication_error(twin: TwinServer) -> None:
    sdk = anthropic.Anthropic(api_key="sk-ant-twin01-not-a-real-key", base_url=twin.base_url, max_retries=0)
    with sdk, pytest.raises(anthropic.AuthenticationError) as caught:
        sdk.messages.create(model=MODEL, max_tokens=100, messages=MESSAGES)
    error = caught.value
    assert error.status_code == 401
    assert isinstance(error.body, dict)
    assert error.body["error"] == {"type": "authentication_error", "message": "Invalid bearer token"}
    assert error.body["request_id"] == error.request_id


def test_not_found_error(client: anthropic.Anthropic) -> None:
    with pytest.raises(anthropic.NotFoundError) as caught:
        client.messages.create(model="claude-3-5-haiku-20241022", max_tokens=100, messages=MESSAGES)
    error = caught.value
    assert error.status_code == 404
    assert isinstance(error.body, dict)
    assert error.body["error"] == {"type": "not_found_error", "message": "model: claude-3-5-haiku-20241022"}
    with pytest.raises(anthropic.NotFoundError):
        client.models.retrieve("claude-nonexistent-9")


def test_request_too_large_error(client: anthropic.Anthropic) -> None:
    huge = "x" * (32 * 1024 * 1024 + 1)
    with pytest.raises(anthropic.RequestTooLargeError) as caught:
        client.messages.create(model=MODEL, max_tokens=100, messages=[{"role": "user", "content": huge}])
    error = caught.value
    assert error.status_code == 413
    assert isinstance(error.body, dict)
    assert error.body["error"]["type"] == "request_too_large"
    assert error.request_id is not None


def test_sdk_calls_are_recorded(twin: TwinServer, client: anthropic.Anthropic) -> None:
    raw = client.messages.with_raw_response.create(model=MODEL, max_tokens=100, messages=MESSAGES)
    message = raw.parse()
    request_id = raw.headers["request-id"]
    ((event, data),) = request_events(twin, request_id)
    assert event.type == "message.created"
    assert event.correlation_id == request_id
    assert data["message_id"] == message.id
    assert data["response"]["content"] == [block.model_dump(exclude_none=True) for block in message.content]
    assert data["input_tokens"] == message.usage.input_tokens


def test_async_streams_concurrently(twin: TwinServer, api_key: str) -> None:
    async def one(sdk: anthropic.AsyncAnthropic, i: int) -> tuple[str, anthropic.types.Message]:
        prompt: list[MessageParam] = [{"role": "user", "content": f"Stream number {i}"}]
        async with sdk.messages.stream(model=MODEL, max_tokens=100, messages=prompt) as stream:
            text = "".join([chunk async for chunk in stream.text_stream])
            return text, await stream.get_final_message()

    async def main() -> list[tuple[str, anthropic.types.Message]]:
        async with anthropic.AsyncAnthropic(api_key=api_key, base_url=twin.base_url, max_retries=0) as sdk:
            return await asyncio.gather(*(one(sdk, i) for i in range(30)))

    for text, message in asyncio.run(main()):
        assert text == "".join(block.text for block in message.content if block.type == "text")
        assert message.stop_reason is not None


def test_count_tokens_equals_total_input_with_prompt_caching(twin: TwinServer) -> None:
    key = create_tenant(twin.base_url).mint_key()  # a fresh tenant: a cold prompt cache
    system: list[Any] = [
        {"type": "text", "text": "You know a lot about digital twins. " * 500, "cache_control": {"type": "ephemeral"}}
    ]
    with anthropic.Anthropic(api_key=key, base_url=twin.base_url, max_retries=0) as sdk:
        counted = sdk.messages.count_tokens(model=MODEL, messages=MESSAGES, system=system).input_tokens
        first = sdk.messages.create(model=MODEL, max_tokens=50, messages=MESSAGES, system=system).usage
        second = sdk.messages.create(model=MODEL, max_tokens=50, messages=MESSAGES, system=system).usage
    assert first.cache_creation_input_tokens
    assert second.cache_read_input_tokens == first.cache_creation_input_tokens
    for usage in (first, second):
        total = usage.input_tokens + (usage.cache_creation_input_tokens or 0) + (usage.cache_read_input_tokens or 0)
        assert total == counted


def test_thinking_and_tool_use_stream_accumulates_to_the_message(client: anthropic.Anthropic) -> None:
    tools: list[Any] = [
        {
            "name": "get_weather",
            "description": "The weather in a city",
            "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
        }
    ]
    params: dict[str, Any] = {
        "model": MODEL,
        "max_tokens": 500,
        "thinking": {"type": "adaptive", "display": "summarized"},
        "tools": tools,
        "messages": [{"role": "user", "content": "What is the weather in Paris? Use the tool."}],
    }
    expected = client.messages.create(**params)
    with client.messages.stream(**params) as stream:
        final = stream.get_final_message()
    assert [block.type for block in final.content] == [block.type for block in expected.content]
    assert "tool_use" in [block.type for block in final.content]
    assert final.stop_reason == expected.stop_reason == "tool_use"
    for got, want in zip(final.content, expected.content, strict=True):
        assert got.model_dump(exclude={"id", "parsed_output"}) == want.model_dump(exclude={"id", "parsed_output"})
    assert final.usage == expected.usage
