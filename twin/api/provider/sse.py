"""The SSE rendering of a `Completion` (reference §8): pure, generic over every block type.

    message_start        the full Message: content [], stop_reason null, real input usage,
                         output_tokens 1
    content_block_start  index 0, the block empty-initialised (text "", thinking "" + signature "",
                         tool input {}); blocks without deltas (redacted thinking, server-tool
                         results) arrive complete here
    ping                 right after the first content_block_start (after message_start when
                         the content is empty)
    content_block_delta  one per chunk of the block's BlockPlan (text_delta, thinking_delta then
                         one signature_delta, input_json_delta, citations_delta)
    content_block_stop
    ... next block, strictly sequential, contiguous 0-based indices
    message_delta        stop_reason, stop_sequence, stop_details; cumulative usage (output_tokens
                         plus the input/cache fields, so that nothing is overwritten with 0)
    message_stop

Accumulated by the SDKs, the stream equals `Completion.message()` exactly: the blocks are the
same objects, emptied for the start event and refilled by their own chunks.
"""

from __future__ import annotations

from typing import Any

import msgspec

from twin.domain.completion import BlockPlan, Completion
from twin.wire.encode import encode, sse_event
from twin.wire.events import (
    CitationsDelta,
    ContentBlockDelta,
    ContentBlockStart,
    ContentBlockStop,
    MessageDelta,
    MessageDeltaBody,
    MessageDeltaUsage,
    MessageStart,
    MessageStop,
    Ping,
    SignatureDelta,
)
from twin.wire.response import (
    ContentBlock,
    Message,
    OutputTokensDetails,
    ServerToolUseBlock,
    TextBlock,
    ThinkingBlock,
    ToolUseBlock,
)

__all__ = ["render_stream"]

_PING = sse_event(Ping())
_STOP = sse_event(MessageStop())
_encode_str = msgspec.json.Encoder().encode
_START_OUTPUT_TOKENS = 1


def render_stream(message: Message, completion: Completion) -> list[bytes]:
    """The stream's SSE frames, one per event, `message_start` first."""
    usage = message.usage
    start_usage = msgspec.structs.replace(
        usage,
        output_tokens=min(_START_OUTPUT_TOKENS, usage.output_tokens) or _START_OUTPUT_TOKENS,
        output_tokens_details=OutputTokensDetails(thinking_tokens=0)
        if isinstance(usage.output_tokens_details, OutputTokensDetails)
        else usage.output_tokens_details,
    )
    start = MessageStart(
        message=msgspec.structs.replace(
            message, content=[], stop_reason=None, stop_sequence=None, stop_details=None, usage=start_usage
        )
    )
    frames: list[bytes] = [sse_event(start)]
    for index, plan in enumerate(completion.blocks):
        empty, deltas = _split(plan, index)
        frames.append(sse_event(ContentBlockStart(index=index, content_block=empty)))
        if index == 0:
            frames.append(_PING)
        frames.extend(deltas)
        frames.append(sse_event(ContentBlockStop(index=index)))
    if not completion.blocks:
        frames.append(_PING)
    frames.append(
        sse_event(
            MessageDelta(
                delta=MessageDeltaBody(
                    stop_reason=message.stop_reason,
                    stop_sequence=message.stop_sequence,
                    stop_details=message.stop_details,
                    container=message.container,
                ),
                usage=MessageDeltaUsage(
                    input_tokens=usage.input_tokens,
                    cache_creation_input_tokens=usage.cache_creation_input_tokens,
                    cache_read_input_tokens=usage.cache_read_input_tokens,
                    output_tokens=usage.output_tokens,
                    output_tokens_details=usage.output_tokens_details,
                    server_tool_use=usage.server_tool_use,
                ),
            )
        )
    )
    frames.append(_STOP)
    return frames


def delta_frames(index: int, kind: str, field: str, chunks: tuple[str, ...]) -> list[bytes]:
    """``content_block_delta`` frames of string deltas, without a Struct per chunk.

    Byte for byte what ``sse_event(ContentBlockDelta(index=.., delta=<kind>(<field>=chunk)))``
    writes (the tests hold it to that); the fixed part is built once per block.
    """
    prefix = (
        b'event: content_block_delta\ndata: {"type":"content_block_delta","index":%d,"delta":{"type":"%s","%s":'
        % (index, kind.encode(), field.encode())
    )
    return [prefix + _encode_str(chunk) + b"}}\n\n" for chunk in chunks]


def _split(plan: BlockPlan, index: int) -> tuple[ContentBlock, list[bytes]]:
    """A block as its empty start form and the delta frames that fill it back."""
    block: Any = plan.block
    chunks = plan.chunks
    if isinstance(block, TextBlock):
        frames: list[bytes] = []
        citations = block.citations
        if isinstance(citations, list) and citations:
            frames.extend(
                sse_event(ContentBlockDelta(index=index, delta=CitationsDelta(citation=citation)))
                for citation in citations
            )
            empty = TextBlock(text="", citations=[])
        else:
            empty = TextBlock(text="", citations=citations)
        if not chunks and block.text:
            chunks = (block.text,)
        frames.extend(delta_frames(index, "text_delta", "text", chunks))
        return empty, frames
    if isinstance(block, ThinkingBlock):
        if not chunks and block.thinking:
            chunks = (block.thinking,)
        thinking = delta_frames(index, "thinking_delta", "thinking", chunks)
        thinking.append(sse_event(ContentBlockDelta(index=index, delta=SignatureDelta(signature=block.signature))))
        return ThinkingBlock(thinking="", signature=""), thinking
    if isinstance(block, ToolUseBlock | ServerToolUseBlock):
        if not chunks and block.input:
            chunks = (encode(block.input).decode(),)
        return msgspec.structs.replace(block, input={}), delta_frames(index, "input_json_delta", "partial_json", chunks)
    # Blocks without deltas (redacted thinking, server-tool results) come complete in the start.
    return block, []
