"""``POST /v1/messages`` and ``POST /v1/messages/count_tokens`` (also with ``?beta=true``).

Per request: read the body (32 MB limit), one in-memory key lookup, the ``anthropic-version``
and ``anthropic-beta`` headers, one msgspec decode (version and beta gating), the semantic
rules, the pure model, then ONE durable append (``message.created`` / ``tokens.counted`` on
stream ``request-<request id>``) and only then the answer: JSON, or SSE in two writes
(``message_start`` first, then the rest at once).
"""

from __future__ import annotations

import time

import msgspec

from twin.domain.completion import Completion
from twin.domain.faults import DEFAULT_MESSAGES
from twin.domain.model import respond
from twin.domain.seed import request_seed
from twin.domain.timing import TimingProfile
from twin.domain.tokens import count_input_tokens
from twin.domain.validation import (
    check_context_window,
    validate_count_tokens_request,
    validate_messages_request,
)
from twin.events import MessageCreated, TokensCounted
from twin.ids import new_message_id
from twin.model_context import model_context
from twin.wire.decode import decode_count_tokens_request, decode_messages_request
from twin.wire.encode import encode, sse_event
from twin.wire.events import ErrorEvent
from twin.wire.response import ErrorBody, Message, MessageTokensCount

from .. import pacing
from ..asgi import Receive
from .call import Call
from .sse import render_stream

__all__ = ["COUNT_TOKENS_BODY_LIMIT", "MESSAGES_BODY_LIMIT", "count_tokens", "create_message"]

#: Request size limits (reference §3.4: Messages 32 MB, Token Counting 32 MB).
MESSAGES_BODY_LIMIT = 32 * 1024 * 1024
COUNT_TOKENS_BODY_LIMIT = 32 * 1024 * 1024


async def create_message(call: Call, receive: Receive) -> None:
    accepted_at = time.monotonic()
    body = await call.read_body(receive, MESSAGES_BODY_LIMIT)
    key = await call.authenticate()
    api_version = call.api_version()
    betas = call.betas()
    request = decode_messages_request(body, api_version=api_version, betas=betas)
    conversation = validate_messages_request(request, api_version=api_version, betas=betas)
    profile = call.timing_profile(conversation.model.id)  # None unless asked for: the default never sleeps
    break_after = await call.fail_unless_streamed("messages.create", request.model, stream=conversation.stream)
    completion = respond(conversation, model_context(call.runtime, key.tenant_id))
    usage = completion.usage
    cache_read = usage.cache_read_input_tokens or 0
    cache_creation = usage.cache_creation_input_tokens or 0
    check_context_window(usage.input_tokens + cache_read + cache_creation, conversation.model, betas)
    message = completion.message(message_id=new_message_id(), model=conversation.model.id)
    if break_after is not None:
        await _broken_stream(call, render_stream(message, completion), break_after)
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
    if profile is not None:
        await _send_paced(call, profile, request_seed(request), message, completion, conversation.stream, accepted_at)
        return
    if not conversation.stream:
        await call.send_json(response)
        return
    frames = render_stream(message, completion)
    await _send_stream(call, frames[0], b"".join(frames[1:]))


async def _send_paced(
    call: Call,
    profile: TimingProfile,
    seed: bytes,
    message: Message,
    completion: Completion,
    stream: bool,
    accepted_at: float,
) -> None:
    """The answer paced by a timing profile (twin/api/pacing.py): a stream's events on the
    profile's schedule, a JSON answer once the whole schedule has elapsed."""
    output_tokens = completion.usage.output_tokens
    if not stream:
        await pacing.wait_until(accepted_at, pacing.json_delay(profile, seed, output_tokens))
        await call.send_json(encode(message))
        return
    call.started = True
    await call.send({"type": "http.response.start", "status": 200, "headers": call.headers.sse(call.request_id)})
    await pacing.send_stream(call.send, profile, seed, render_stream(message, completion), output_tokens, accepted_at)


async def _send_stream(call: Call, head: bytes, rest: bytes) -> None:
    """Headers and ``message_start`` in the first write, everything else in the second."""
    call.started = True
    await call.send({"type": "http.response.start", "status": 200, "headers": call.headers.sse(call.request_id)})
    await call.send({"type": "http.response.body", "body": head, "more_body": True})
    await call.send({"type": "http.response.body", "body": rest, "more_body": False})


async def _broken_stream(call: Call, frames: list[bytes], after_events: int) -> None:
    """A stream that breaks after ``after_events`` events with an SSE ``error`` event (HTTP 200).

    The failure is already recorded; the message is not (the client never got it whole).
    """
    assert call.fault is not None
    error = ErrorEvent(
        error=ErrorBody(type=call.fault.error, message=call.fault.message or DEFAULT_MESSAGES[call.fault.error]),
        request_id=call.request_id,
    )
    kept = frames[: max(1, after_events)]
    await _send_stream(call, kept[0], b"".join(kept[1:]) + sse_event(error))


async def count_tokens(call: Call, receive: Receive) -> None:
    body = await call.read_body(receive, COUNT_TOKENS_BODY_LIMIT)
    key = await call.authenticate()
    api_version = call.api_version()
    betas = call.betas()
    request = decode_count_tokens_request(body, api_version=api_version, betas=betas)
    conversation = validate_count_tokens_request(request, api_version=api_version, betas=betas)
    await call.fail_unless_streamed("messages.count_tokens", request.model)
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
