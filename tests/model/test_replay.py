"""Replaying a tenant's events rebuilds its prompt cache: the usage of a recorded answer is
computed again, in process, from the views folded out of the events recorded before it."""

from __future__ import annotations

import asyncio

import anthropic
import httpx
import msgspec

from eventstore import RecordedEvent, open_store
from projections.base import Fact
from projections.clock import TenantClock
from projections.codec import twin_codec
from projections.prompt_cache import PromptCacheView
from tests.support.server import TwinServer
from tests.support.tenants import create_tenant
from twin.domain.completion import ModelContext
from twin.domain.model import respond
from twin.domain.validation import validate_messages_request
from twin.events import DeploymentInitialized, MessageCreated
from twin.ids import new_tool_use_id
from twin.wire.decode import decode_messages_request

SYSTEM = " ".join(f"Rule {index}: keep every answer short and kind." for index in range(600))


def _events(twin: TwinServer) -> list[RecordedEvent]:
    async def read() -> list[RecordedEvent]:
        store = await open_store(twin.store_url)
        try:
            out: list[RecordedEvent] = []
            position = 0
            while True:
                batch = await store.read_all(position, 1000)
                if not batch:
                    return out
                out.extend(batch)
                position = batch[-1].position
        finally:
            await store.close()

    return asyncio.run(read())


def test_replay_reproduces_cache_usage(twin: TwinServer) -> None:
    tenant = create_tenant(twin.base_url, "replay")
    with anthropic.Anthropic(api_key=tenant.mint_key(), base_url=twin.base_url, max_retries=0) as client:
        for question, advance_ms in (("one", 0), ("two", 120_000), ("three", 200_000)):
            if advance_ms:
                moved = httpx.post(
                    f"{twin.base_url}/_twin/clock", auth=tenant.basic, json={"advance_ms": advance_ms}, timeout=30
                )
                assert moved.status_code == 200
            client.messages.create(
                model="claude-opus-4-8",
                max_tokens=100,
                system=[{"type": "text", "text": SYSTEM, "cache_control": {"type": "ephemeral"}}],
                messages=[{"role": "user", "content": question}],
            )
    codec = twin_codec()
    events = _events(twin)
    deployment = next(codec.decode(event) for event in events if event.type == "deployment.initialized")
    assert isinstance(deployment, DeploymentInitialized)
    clock = TenantClock()
    cache = PromptCacheView(clock)
    seen: list[tuple[int, int]] = []
    for event in events:
        decoded = codec.decode(event) if event.type in ("message.created", "tenant.clock.advanced") else None
        if isinstance(decoded, MessageCreated) and event.tenant_id == tenant.tenant_id:
            betas = frozenset(decoded.betas)
            request = decode_messages_request(bytes(decoded.request), api_version=decoded.api_version, betas=betas)
            conversation = validate_messages_request(request, api_version=decoded.api_version, betas=betas)
            context = ModelContext(
                signing_key=bytes.fromhex(deployment.signing_key),
                now_us=clock.now_us(tenant.tenant_id, event.recorded_at_us),
                new_tool_use_id=new_tool_use_id,
                prompt_cache=cache.entries(tenant.tenant_id).get,
            )
            replayed = respond(conversation, context).usage
            recorded = msgspec.json.decode(decoded.response)["usage"]
            assert replayed.cache_read_input_tokens == recorded["cache_read_input_tokens"]
            assert replayed.cache_creation_input_tokens == recorded["cache_creation_input_tokens"]
            assert replayed.input_tokens == recorded["input_tokens"]
            seen.append((recorded["cache_creation_input_tokens"], recorded["cache_read_input_tokens"]))
        if decoded is not None:
            fact = Fact(event, decoded)
            for view in (clock, cache):
                if event.type in view.event_types:
                    view.apply(fact)
    (write, _), (_, read), (_, read_again) = seen  # written, then read twice (the read refreshed it)
    assert write > 0
    assert read == write
    assert read_again == write
