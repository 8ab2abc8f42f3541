"""Prompt-cache accounting: which prefix a request reads, which it writes, and the usage that follows.

The rules (the real service's, as documented, simplified where noted in the README):

* The prompt is read in cache order: tools, system blocks, message blocks (`tokens.prompt_segments`).
  A `cache_control` breakpoint (at most 4; the top-level one marks the last message block)
  ends a cacheable prefix. A prefix is identified by a hash of the model id and every segment
  up to and including its last, without the markers themselves, so moving a breakpoint later in
  a growing conversation still finds the earlier prefix.
* **Read**: for each breakpoint, the twin looks back over at most 20 segment boundaries (the
  breakpoint's own included) for a prefix live in the tenant's cache (`lookup(hash)` returns its
  expiry, live while `now_us < expiry`); the longest live one is read.
* **Write**: every breakpoint after the read position whose prefix holds at least the model's
  minimum cacheable tokens is written; the tokens between the read position (or the start) and
  the last written breakpoint are `cache_creation_input_tokens`, split into
  `ephemeral_5m_input_tokens` / `ephemeral_1h_input_tokens` by the breakpoint that ends each part.
* **Refresh**: a read refreshes the TTL of the prefix read and of every live breakpoint prefix
  before it (recorded as `read` effects).
* `input_tokens` counts what was neither read nor written.

Everything here is pure: the tenant's cache arrives as a read-only `lookup`, and what the request
does to it leaves as `CacheEffect`s, recorded on `message.created` and folded by the prompt-cache
view; replaying the events rebuilds the same cache, hence the same usage.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

import msgspec

from twin.events import CacheEffect

from .tokens import Segment

__all__ = ["LOOKBACK", "TTL_US", "CacheOutcome", "account"]

#: Segment boundaries checked before each breakpoint (the real API's documented look-back).
LOOKBACK = 20
TTL_US = {"5m": 5 * 60 * 1_000_000, "1h": 60 * 60 * 1_000_000}

Lookup = Callable[[str], int | None]


class CacheOutcome(msgspec.Struct, frozen=True, gc=False):
    input_tokens: int
    cache_read_input_tokens: int
    cache_creation_input_tokens: int
    ephemeral_5m_input_tokens: int
    ephemeral_1h_input_tokens: int
    effects: tuple[CacheEffect, ...]


def prefix_hashes(model_id: str, segments: Sequence[Segment]) -> list[str]:
    """The hash of every prefix: element i covers segments 0..i."""
    hasher = hashlib.sha256(model_id.encode() + b"\x1d")
    hashes: list[str] = []
    for segment in segments:
        hasher.update(segment.kind.encode() + b"\x1e" + segment.canonical + b"\x1e")
        hashes.append(hasher.copy().hexdigest()[:32])
    return hashes


def account(
    segments: Sequence[Segment], *, model_id: str, min_tokens: int, lookup: Lookup, now_us: int
) -> CacheOutcome:
    total = sum(segment.tokens for segment in segments)
    breakpoints = [index for index, segment in enumerate(segments) if segment.ttl is not None]
    if not breakpoints:
        return CacheOutcome(total, 0, 0, 0, 0, ())
    cumulative: list[int] = []
    running = 0
    for segment in segments:
        running += segment.tokens
        cumulative.append(running)
    hashes = prefix_hashes(model_id, segments)

    def live(index: int) -> bool:
        expires = lookup(hashes[index])
        return expires is not None and now_us < expires

    read_at = -1
    read_ttl = "5m"
    for breakpoint in breakpoints:
        for index in range(breakpoint, max(-1, breakpoint - LOOKBACK), -1):
            if index <= read_at:
                break
            if cumulative[index] >= min_tokens and live(index):
                read_at, read_ttl = index, segments[breakpoint].ttl or "5m"
                break
    effects: list[CacheEffect] = []
    if read_at >= 0:
        for breakpoint in breakpoints:
            if breakpoint < read_at and cumulative[breakpoint] >= min_tokens and live(breakpoint):
                ttl = segments[breakpoint].ttl or "5m"
                effects.append(CacheEffect(hashes[breakpoint], cumulative[breakpoint], ttl, "read"))
        effects.append(CacheEffect(hashes[read_at], cumulative[read_at], read_ttl, "read"))  # type: ignore[arg-type]
    read_tokens = cumulative[read_at] if read_at >= 0 else 0
    written = {"5m": 0, "1h": 0}
    previous = read_tokens
    for breakpoint in breakpoints:
        if breakpoint <= read_at or cumulative[breakpoint] < min_tokens:
            continue
        ttl = segments[breakpoint].ttl or "5m"
        written[ttl] += cumulative[breakpoint] - previous
        previous = cumulative[breakpoint]
        effects.append(CacheEffect(hashes[breakpoint], cumulative[breakpoint], ttl, "write"))
    creation = written["5m"] + written["1h"]
    return CacheOutcome(
        input_tokens=total - read_tokens - creation,
        cache_read_input_tokens=read_tokens,
        cache_creation_input_tokens=creation,
        ephemeral_5m_input_tokens=written["5m"],
        ephemeral_1h_input_tokens=written["1h"],
        effects=tuple(effects),
    )
