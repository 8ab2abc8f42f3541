"""Append twin events straight into a (running twin's) store: how plane tests stand in for a surface
that records events they want to read back (e.g. `message.created` before /v1/messages exists)."""

from __future__ import annotations

import asyncio
import secrets

import msgspec

from eventstore import open_store
from projections.codec import twin_codec
from twin.events import CacheEffect, MessageCreated


def append_events(store_url: str, stream_id: str, events: list[msgspec.Struct], *, tenant_id: str) -> str:
    """Append `events` as one request would; returns the correlation id they carry."""
    correlation_id = "req_test" + secrets.token_hex(8)

    async def run() -> None:
        store = await open_store(store_url)
        try:
            codec = twin_codec()
            await store.append(
                stream_id,
                [codec.new_event(e, tenant_id=tenant_id, correlation_id=correlation_id) for e in events],
            )
        finally:
            await store.close()

    asyncio.run(run())
    return correlation_id


def message_created(text: str, *, api_key_id: str = "apikey_test", model: str = "claude-sonnet-4-5") -> MessageCreated:
    message_id = "msg_test" + secrets.token_hex(8)
    request = {"model": model, "max_tokens": 32, "messages": [{"role": "user", "content": text}]}
    response = {
        "id": message_id,
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": [{"type": "text", "text": f"echo: {text}"}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 5, "output_tokens": 3},
    }
    return MessageCreated(
        message_id=message_id,
        api_key_id=api_key_id,
        model=model,
        stream=False,
        api_version="2023-06-01",
        betas=[],
        path="/v1/messages",
        request=msgspec.Raw(msgspec.json.encode(request)),
        response=msgspec.Raw(msgspec.json.encode(response)),
        input_tokens=5,
        output_tokens=3,
        stop_reason="end_turn",
    )


def message_with_cache_effects(effects: list[CacheEffect]) -> MessageCreated:
    """A minimal `message.created` carrying only prompt-cache effects (for the cache views)."""
    return MessageCreated(
        message_id="msg_1",
        api_key_id="k",
        model="claude-opus-4-8",
        stream=False,
        api_version="2023-06-01",
        betas=[],
        path="/v1/messages",
        request=msgspec.Raw(b"{}"),
        response=msgspec.Raw(b"{}"),
        input_tokens=4,
        output_tokens=1,
        stop_reason="end_turn",
        cache_effects=effects,
    )
