"""``POST /v1/messages`` and ``POST /v1/messages/count_tokens`` (also with ``?beta=true``).

Per request: read the body (32 MB limit), one in-memory key lookup, the ``anthropic-version``
and ``anthropic-beta`` headers, one msgspec decode (version and beta gating), the semantic
rules, the pure model, then ONE durable append (``message.created`` / ``tokens.counted`` on
stream ``request-<request id>``) and only then the answer: JSON, or SSE in two writes
(``message_start`` first, then the rest at once).

A timing profile (``x-twin-timing`` header, the tenant's ``timing_profile`` setting, or the
model's; see twin.domain.timing) paces the answer like a real model: the events are still
appended first, then the frames go out on the profile's schedule (twin.api.pacing). Without a
profile nothing ever waits.
"""

from __future__ import annotations

import msgspec

from twin.domain.faults import FaultAnswer
from twin.domain.model import respond
from twin.domain.seed import request_seed
from twin.domain.tokens import count_input_tokens
from twin.domain.validation import (
    check_context_window,
    validate_count_tokens_request,
    validate_messages_request,
)
from twin.events import MessageCreated, TokensCounted
from twin.ids import new_message_id
from twin.model_context import current_model_context
from twin.wire.decode import decode_count_tokens_request, decode_messages_request
from twin.wire.encode import encode, sse_event
from twin.wire.events import ErrorEvent
from twin.wire.response import ErrorBody, MessageTokensCount

from ..asgi import Receive
from ..pacing import json_delay, profile_for, send_stream, wait_until
from .call import Call
from .sse import render_stream

__all__ = ["COUNT_TOKENS_BODY_LIMIT", "MESSAGES_BODY_LIMIT", "count_tokens", "create_message"]

#: Request size limits (reference §3.4: Messages 32 MB, Token Counting 32 MB).
MESSAGES_BODY_LIMIT = 32 * 1024 * 1024
COUNT_TOKENS_BODY_LIMIT = 32 * 1024 * 1024


async def create_message(call: Call, receive: Receive) -> None:
    body = await call.read_body(receive, MESSAGES_BODY_LIMIT)
    key = await call.authenticate()
    api_version = call.api_version()
    betas = call.betas()
    request = decode_messages_request(body, api_version=api_version, betas=betas)
    conversation = validate_messages_request(request, api_version=api_version, betas=betas)
    profile = profile_for(call.runtime, call.timing_header, key.tenant_id, conversation.model.id)
    breaking = await call.apply_fault("messages.create", request.model, stream=conversation.stream)
    context = await current_model_context(call.runtime, key.tenant_id, uses_cache=conversation.cache_breakpoints > 0)
    completion = respond(conversation, context)
    usage = completion.usage
    cache_read = usage.cache_read_input_tokens or 0
    cache_creation = usage.cache_creation_input_tokens or 0
    check_context_window(usage.input_tokens + cache_read + cache_creation, conversation.model, betas)
    message = completion.message(message_id=new_message_id(), model=conversation.model.id)
    if breaking is not None:
        await _broken_stream(call, render_stream(message, completion), breaking)
        return
    response = encode(message)
    event = MessageCreated(
        message_id=message.id,
        api_key_id=key.api_key_id,
        model=message.model,
        stream=conversation.stream,
        api_version=api_version,
        betas=sorted(betas),
        path=call.path,
        request=msgspec.Raw(body),
        response=msgspec.Raw(response),
        input_tokens=usage.input_tokens,
        output_tokens=usage.output_tokens,
        stop_reason=completion.stop_reason,
        cache_read_input_tokens=cache_read,
        cache_creation_input_tokens=cache_creation,
        cache_effects=list(completion.cache_effects),
    )
    await call.runtime.record(
        f"request-{call.request_id}", [event], tenant_id=key.tenant_id, correlation_id=call.request_id
    )
    if profile is None:  # the default: no waiting at all
        if not conversation.stream:
            await call.send_json(response)
            return
        frames = render_stream(message, completion)
        await _send_stream(call, frames[0], b"".join(frames[1:]))
        return
    # a timing profile (x-twin-timing, the tenant's setting or the model's): paced like a real model
    seed = request_seed(conversation.request)
    if not conversation.stream:
        await wait_until(call.accepted_at, json_delay(profile, seed, usage.output_tokens))
        await call.send_json(response)
        return
    call.started = True
    await call.send({"type": "http.response.start", "status": 200, "headers": call.sse_headers()})
    await send_stream(
        call.send, profile, seed, render_stream(message, completion), usage.output_tokens, call.accepted_at
    )


async def _send_stream(call: Call, head: bytes, rest: bytes) -> None:
    """Headers and ``message_start`` in the first write, everything else in the second."""
    call.started = True
    await call.send({"type": "http.response.start", "status": 200, "headers": call.sse_headers()})
    await call.send({"type": "http.response.body", "body": head, "more_body": True})
    await call.send({"type": "http.response.body", "body": rest, "more_body": False})


async def _broken_stream(call: Call, frames: list[bytes], fault: FaultAnswer) -> None:
    """A stream that breaks after ``after_events`` events with an SSE ``error`` event (HTTP 200).

    The failure is already recorded; the message is not (the client never got it whole).
    """
    error = ErrorEvent(
        error=ErrorBody(type=fault.error.error_type, message=fault.error.message), request_id=call.request_id
    )
    kept = frames[: max(1, fault.after_events or 1)]
    await _send_stream(call, kept[0], b"".join(kept[1:]) + sse_event(error))


async def count_tokens(call: Call, receive: Receive) -> None:
    body = await call.read_body(receive, COUNT_TOKENS_BODY_LIMIT)
    key = await call.authenticate()
    api_version = call.api_version()
    betas = call.betas()
    request = decode_count_tokens_request(body, api_version=api_version, betas=betas)
    conversation = validate_count_tokens_request(request, api_version=api_version, betas=betas)
    await call.apply_fault("messages.count_tokens", request.model)
    input_tokens = count_input_tokens(conversation)
    event = TokensCounted(
        api_key_id=key.api_key_id,
        model=conversation.model.id,
        api_version=api_version,
        betas=sorted(betas),
        path=call.path,
        request=msgspec.Raw(body),
        input_tokens=input_tokens,
    )
    await call.runtime.record(
        f"request-{call.request_id}", [event], tenant_id=key.tenant_id, correlation_id=call.request_id
    )
    await call.send_json(encode(MessageTokensCount(input_tokens=input_tokens)))
