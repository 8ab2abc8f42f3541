"""Token counting: ONE deterministic function for count_tokens and for `usage.input_tokens`.

The twin has no tokenizer; it approximates one (about four characters of English per token,
words and punctuation counted separately) deterministically, so that the same request always
counts the same and count_tokens agrees with the usage of the answer to that request.

The prompt is read as a sequence of *segments* in the order the real API caches it: tools,
then system blocks, then each message block. `prompt_segments` gives each segment's tokens
(and its canonical bytes, without `cache_control` markers, for prompt-cache prefix hashes);
`count_input_tokens` is their sum. Markers are not counted: they do not reach the model.
"""

from __future__ import annotations

import re
from typing import Literal

import msgspec

from .validation import Conversation

#: A run of n word characters is ceil(n / 6) matches of `\w{1,6}`; punctuation is one each.
_TOKENS = re.compile(r"\w{1,6}|[^\w\s]", re.UNICODE)
_CACHE_MARKER = re.compile(rb',?"cache_control":\{[^{}]*\}')
MESSAGE_OVERHEAD = 3  # role and separators of each turn
REQUEST_OVERHEAD = 4

SegmentKind = Literal["tool", "system", "message", "tail"]


class Segment(msgspec.Struct, frozen=True, gc=False):
    """One cacheable unit of the prompt: a tool, a system block or a message block.

    `ttl` is set when the segment carries a `cache_control` breakpoint (`"5m"` or `"1h"`);
    `tokens` includes the turn's fixed overhead where a turn starts; the last segment, `tail`, holds
    the request's overhead and is never cached.
    """

    kind: SegmentKind
    canonical: bytes
    tokens: int
    ttl: Literal["5m", "1h"] | None = None


def text_tokens(text: str) -> int:
    """Tokens of a piece of text: a word of n characters is ceil(n / 6) tokens, punctuation one."""
    return len(_TOKENS.findall(text))


def _ttl(marker: object) -> Literal["5m", "1h"] | None:
    if marker is None:
        return None
    ttl = getattr(marker, "ttl", None)
    return "1h" if ttl == "1h" else "5m"


def _nested_marker(block: object) -> object:
    """A block's own cache_control, or one set on an item inside a tool_result."""
    marker = getattr(block, "cache_control", None)
    if marker is not None:
        return marker
    content = getattr(block, "content", None)
    if getattr(block, "type", None) == "tool_result" and isinstance(content, list):
        for item in reversed(content):
            inner = getattr(item, "cache_control", None)
            if inner is not None:
                return inner
    return None


def prompt_segments(conversation: Conversation) -> list[Segment]:
    """The prompt's segments in cache order (tools, system, messages), tokens summing to the count."""
    segments: list[Segment] = []
    encode = msgspec.json.encode
    for tool in conversation.tools:
        canonical = _CACHE_MARKER.sub(b"", encode(tool))
        marker = getattr(tool, "cache_control", None)
        segments.append(Segment("tool", canonical, text_tokens(canonical.decode()), _ttl(marker)))
    for system_block in conversation.system:
        text = system_block.text
        segments.append(Segment("system", text.encode(), text_tokens(text), _ttl(system_block.cache_control)))
    trailing = 0
    for turn in conversation.turns:
        if not turn.blocks:
            trailing += MESSAGE_OVERHEAD
            continue
        for position, block in enumerate(turn.blocks):
            canonical = _CACHE_MARKER.sub(b"", encode(block))
            tokens = text_tokens(canonical.decode())
            if position == 0:
                canonical = turn.role.encode() + b"\x1f" + canonical
                tokens += MESSAGE_OVERHEAD
            segments.append(Segment("message", canonical, tokens, _ttl(_nested_marker(block))))
    automatic = getattr(conversation.request, "cache_control", None)
    if automatic is not None:
        for index in range(len(segments) - 1, -1, -1):
            if segments[index].kind == "message":
                segments[index] = msgspec.structs.replace(segments[index], ttl=_ttl(automatic))
                break
    # the request's fixed overhead (the answer's own header) comes last and is never cached, so
    # `input_tokens` stays above zero even when a breakpoint ends the prompt, as on the real API
    segments.append(Segment("tail", b"", REQUEST_OVERHEAD + trailing))
    return segments


def count_input_tokens(conversation: Conversation) -> int:
    return sum(segment.tokens for segment in prompt_segments(conversation))
