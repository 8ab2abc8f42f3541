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
        # types only eager views follow: once observed here, reading them back changes nothing
        self._eager_only = frozenset(
            kind
            for kind in self._types
            if all(getattr(view, "eager", False) for view in self.views if kind in view.event_types)
        )
        self._observed: set[int] = set()  # positions of such events this worker already applied
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
                    if recorded.position in self._observed:
                        self._observed.discard(recorded.position)  # applied when recorded: skip the decode
                        continue
                    fact = Fact(recorded, self.codec.decode(recorded))
                    for view in self.views:
                        if recorded.type in view.event_types:
                            view.apply(fact)
                if len(events) < self.batch_size:
                    self._scanned = max(target, events[-1].position if events else 0)
                else:
                    self._scanned = events[-1].position
            if self._observed:
                self._observed = {position for position in self._observed if position > self._scanned}

    def observe(self, facts: Sequence[Fact]) -> None:
        """Apply just-recorded events at once to the views marked `eager` (idempotent ones).

        Read-your-writes on this worker without a store read; the same events reach every view
        again, in log order, when the store is followed.
        """
        for fact in facts:
            for view in self.views:
                if getattr(view, "eager", False) and fact.recorded.type in view.event_types:
                    view.apply(fact)
            if fact.recorded.type in self._eager_only and fact.recorded.position > self._scanned:
                self._observed.add(fact.recorded.position)

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
