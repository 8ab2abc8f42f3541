"""What the synthetic model decides for one request: the contract between domain and API.

`respond(conversation, context)` (twin/domain/model.py) returns a `Completion`: the answer's
content blocks, each with the fragments it streams in, the stop reason and the usage. The API
layer turns it into a JSON `Message` or an SSE stream without deciding anything itself, so
that the streamed message, once accumulated, equals the non-streamed one by construction.
"""

from __future__ import annotations

from collections.abc import Callable

import msgspec

from twin.events import CacheEffect as PromptCacheEffect
from twin.wire.response import ContentBlock, Message, StopReason, Usage


class BlockPlan(msgspec.Struct, frozen=True, gc=False):
    """One content block of the answer and how it streams.

    `chunks` are the delta fragments in order: text for a text block, thinking text for a
    thinking block, `partial_json` for a tool_use block. Their concatenation is exactly the
    block's text / thinking / JSON-encoded input. A thinking block's signature goes out in one
    `signature_delta` after its chunks; a redacted_thinking block has no chunks.
    """

    block: ContentBlock
    chunks: tuple[str, ...] = ()


class Completion(msgspec.Struct, frozen=True, gc=False):
    blocks: tuple[BlockPlan, ...]
    stop_reason: StopReason
    stop_sequence: str | None
    usage: Usage
    cache_effects: tuple[PromptCacheEffect, ...] = ()

    def message(self, *, message_id: str, model: str) -> Message:
        """The non-streamed answer."""
        return Message(
            model=model,
            id=message_id,
            content=[plan.block for plan in self.blocks],
            stop_reason=self.stop_reason,
            stop_sequence=self.stop_sequence,
            usage=self.usage,
        )


def no_prompt_cache(prefix_hash: str) -> int | None:
    """An empty prompt cache: nothing is live."""
    return None


class ModelContext(msgspec.Struct, frozen=True, gc=False):
    """What the synthetic model may know beyond the request. Everything it needs to stay pure.

    `signing_key` signs thinking blocks (per deployment); `now_us` is the tenant's clock (for
    prompt-cache TTLs); `new_tool_use_id` mints `toolu_` ids (random: ids stay unique while
    content is deterministic); `prompt_cache` is a read-only look-up of the tenant's prompt
    cache: a prefix hash's expiry (tenant-clock microseconds), or None when never written.
    """

    signing_key: bytes
    now_us: int
    new_tool_use_id: Callable[[], str]
    prompt_cache: Callable[[str], int | None] = no_prompt_cache
