"""Keeps in-memory views current in every worker: load at start, follow the store, refresh on demand.

`refresh()` is the read-through used when a view misses something it must not miss (an API
key minted a moment ago on another worker): it reads whatever was appended up to the head as
of the call. Concurrent refreshes share one read.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from eventstore import Codec, EventStore

from .base import Fact, MemoryView

log = logging.getLogger("twin.projections")


class MemoryViews:
    def __init__(
        self,
        store: EventStore,
        codec: Codec,
        views: Sequence[MemoryView],
        *,
        batch_size: int = 1000,
        follow_interval: float = 0.02,
    ) -> None:
        self.store = store
        self.codec = codec
        self.views = list(views)
        self.batch_size = batch_size
        self.follow_interval = follow_interval
        self._types = frozenset().union(*(view.event_types for view in self.views))
        # types some non-eager view follows: those must be read back from the store even when
        # this worker recorded them (observe() only applies the eager views)
        self._read_back = frozenset(
            kind
            for kind in self._types
            if any(not getattr(view, "eager", False) for view in self.views if kind in view.event_types)
        )
        # positions past _scanned that this worker recorded and fully applied (or that no view
        # follows); once contiguous with _scanned they are passed over without a store read
        self._applied: set[int] = set()
        self._scanned = 0  # every matching event up to this position has been applied
        self._lock = asyncio.Lock()
        self._task: asyncio.Task[None] | None = None

    @property
    def position(self) -> int:
        return self._scanned

    async def refresh(self) -> None:
        target = await self.store.head()
        if self._scanned >= target:
            return
        async with self._lock:
            while self._scanned < target:
                events = await self.store.read_all(self._scanned, self.batch_size, types=self._types)
                for recorded in events:
                    position = recorded.position
                    if position <= self._scanned or position in self._applied:
                        continue  # recorded and applied by this worker while the read ran, or before
                    fact = Fact(recorded, self.codec.decode(recorded))
                    for view in self.views:
                        if recorded.type in view.event_types:
                            view.apply(fact)
                if len(events) < self.batch_size:
                    reached = max(target, events[-1].position if events else 0)
                else:
                    reached = events[-1].position
                self._scanned = max(self._scanned, reached)
                if self._applied:
                    self._applied = {position for position in self._applied if position > self._scanned}
                self._absorb()

    def observe(self, facts: Sequence[Fact]) -> None:
        """Apply just-recorded events at once to the views marked `eager` (idempotent ones).

        Read-your-writes on this worker without a store read. Events that only eager views
        follow (or that no view follows) are then never read back: once everything before them
        is applied, the follower passes over them. The rest reach every view again, in log
        order, when the store is followed.
        """
        for fact in facts:
            kind = fact.recorded.type
            for view in self.views:
                if getattr(view, "eager", False) and kind in view.event_types:
                    view.apply(fact)
            if kind not in self._read_back and fact.recorded.position > self._scanned:
                self._applied.add(fact.recorded.position)
        self._absorb()

    def _absorb(self) -> None:
        """Move `_scanned` over the applied positions that directly follow it."""
        applied = self._applied
        scanned = self._scanned
        while scanned + 1 in applied:
            scanned += 1
            applied.discard(scanned)
        self._scanned = scanned

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._follow(), name="memory-views")

    async def _follow(self) -> None:
        """Refresh on every change, but at most once per `follow_interval`: under load one pass
        takes a whole burst of appends (this worker's own are already `observe`d)."""
        loop = asyncio.get_running_loop()
        while not self.store.closed:
            token = self.store.change_token()
            started = loop.time()
            try:
                await self.refresh()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("following the store failed; retrying")
                await asyncio.sleep(0.5)
            await self.store.wait_for_change(token)
            await asyncio.sleep(max(0.0, started + self.follow_interval - loop.time()))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
