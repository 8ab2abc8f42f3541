"""Each tenant's prompt cache, in memory in every worker: prefix hash -> expiry (tenant clock, µs).

Fed by the `cache_effects` of `message.created`: a write or a read of a prefix at tenant time
`t` (the event's `recorded_at_us` plus the tenant's clock offset at that point of the log) makes
the prefix live until `t + ttl` (a read refreshes it). Expiries only grow (max), so applying an
event twice, or a little out of order, gives the same view: the worker that records a message
applies its effects at once (read-your-writes, see `eager`) and again when it follows the log.
Rebuilding from the events gives the same cache, hence the same usage for the same requests.
"""

from __future__ import annotations

from typing import ClassVar

from twin.events import MessageCreated

from .base import Fact, MemoryView
from .clock import TenantClock

TTL_US = {"5m": 5 * 60 * 1_000_000, "1h": 60 * 60 * 1_000_000}
_PRUNE_AT = 4096


class PromptCacheView(MemoryView):
    event_types = frozenset({"message.created"})
    #: Idempotent and order-insensitive: may be applied as soon as an event is recorded.
    eager: ClassVar[bool] = True

    def __init__(self, clock: TenantClock) -> None:
        self.clock = clock
        self.tenants: dict[str, dict[str, int]] = {}

    def apply(self, fact: Fact) -> None:
        event = fact.event
        if not isinstance(event, MessageCreated) or not event.cache_effects:
            return
        tenant_id = fact.recorded.tenant_id
        at = fact.recorded.recorded_at_us + self.clock.offset_us(tenant_id)
        entries = self.tenants.setdefault(tenant_id, {})
        if len(entries) >= _PRUNE_AT:
            for prefix_hash in [key for key, expires in entries.items() if expires <= at]:
                del entries[prefix_hash]
        for effect in event.cache_effects:
            expires = at + TTL_US[effect.ttl]
            if expires > entries.get(effect.prefix_hash, 0):
                entries[effect.prefix_hash] = expires

    def entries(self, tenant_id: str) -> dict[str, int]:
        """The tenant's prefixes and their expiries (read-only for callers)."""
        return self.tenants.get(tenant_id) or {}
