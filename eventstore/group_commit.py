"""Group commit: many concurrent appends, one transaction, every caller released after it.

A single writer task drains whatever was queued while the previous commit ran (up to
`max_batch` items), hands the batch to `flush`, and resolves each caller's future with its own
outcome. Nothing is acknowledged before `flush` returned, i.e. before the batch is durable.
A timed linger is available but off by default: what queues during one commit forms the next
batch by itself, and waiting longer only adds latency (measured in benchmarks/eventstore.py).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from .errors import StoreClosed, StoreError, StoreUnavailable

Item = TypeVar("Item")
Result = TypeVar("Result")

Flush = Callable[[list[Item]], Awaitable[Sequence[Result | BaseException]]]


class GroupCommitter(Generic[Item, Result]):
    """Serializes `flush` calls and batches the items submitted while one is running.

    `flush(items)` must return one outcome per item, in order: a result, or an exception
    instance for that item alone. If `flush` raises, every item of the batch fails with it
    (wrapped in StoreUnavailable unless it already is a StoreError).
    """

    def __init__(self, flush: Flush[Item, Result], *, max_batch: int = 512, linger_s: float = 0.0) -> None:
        if max_batch < 1:
            raise ValueError("max_batch must be >= 1")
        self._flush = flush
        self._max_batch = max_batch
        self._linger_s = linger_s
        self._queue: list[tuple[Item, asyncio.Future[Result]]] = []
        self._wake = asyncio.Event()
        self._closing = False
        self._task: asyncio.Task[None] | None = None
        self.batches = 0
        self.items = 0

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="eventstore-group-commit")

    async def submit(self, item: Item) -> Result:
        if self._closing:
            raise StoreClosed("the store is closed")
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._queue.append((item, future))
        self._wake.set()
        return await future

    async def close(self) -> None:
        """Stop accepting items, commit what is queued, then stop the writer."""
        self._closing = True
        self._wake.set()
        if self._task is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            if self._linger_s and 0 < len(self._queue) < self._max_batch and not self._closing:
                await asyncio.sleep(self._linger_s)
            while self._queue:
                batch = self._queue[: self._max_batch]
                del self._queue[: self._max_batch]
                await self._commit(batch)
            if self._closing:
                return

    async def _commit(self, batch: list[tuple[Item, asyncio.Future[Result]]]) -> None:
        try:
            outcomes = await self._flush([item for item, _ in batch])
        except BaseException as exc:
            failure = exc if isinstance(exc, StoreError) else StoreUnavailable(f"append failed: {exc!r}")
            for _, future in batch:
                if not future.done():
                    future.set_exception(failure)
            if isinstance(exc, asyncio.CancelledError):
                raise
            return
        self.batches += 1
        self.items += len(batch)
        for (_, future), outcome in zip(batch, outcomes, strict=True):
            if future.done():  # the caller went away; its events are committed all the same
                continue
            if isinstance(outcome, BaseException):
                future.set_exception(outcome)
            else:
                future.set_result(outcome)
