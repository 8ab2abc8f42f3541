"""Each tenant's simulated clock, in memory in every worker: wall time plus every advance so far.

`POST /_twin/clock` appends `tenant.clock.advanced`; tests use it to move prompt-cache TTLs
forward without sleeping. The offset only ever grows.

The view is `eager`: the worker that records an advance applies it at once (so the cache
effects it records next are timed by the new clock) and again when it follows the store; each
advance counts once, by its position in the log.
"""

from __future__ import annotations

from typing import ClassVar

from twin.events import TenantClockAdvanced

from .base import Fact, MemoryView


class TenantClock(MemoryView):
    event_types = frozenset({"tenant.clock.advanced"})
    eager: ClassVar[bool] = True

    def __init__(self) -> None:
        self.offsets_ms: dict[str, int] = {}
        self._applied: set[int] = set()  # positions of the advances counted (a few per test run)

    def apply(self, fact: Fact) -> None:
        event = fact.event
        if isinstance(event, TenantClockAdvanced) and fact.recorded.position not in self._applied:
            self._applied.add(fact.recorded.position)
            self.offsets_ms[event.tenant_id] = self.offsets_ms.get(event.tenant_id, 0) + event.advanced_by_ms

    def offset_us(self, tenant_id: str) -> int:
        """How far the tenant's clock is ahead of wall time, in microseconds."""
        return self.offsets_ms.get(tenant_id, 0) * 1000

    def now_us(self, tenant_id: str, wall_us: int) -> int:
        return wall_us + self.offset_us(tenant_id)
