"""The event store contract, shared by every backend.

An event store is an append-only log of events, grouped into streams.

* **Streams and versions.** Every event belongs to one stream (any non-empty string id).
  A stream's version is the number of events in it: 0 before the first append, then 1, 2, ...
  `append(stream_id, events, expected_version)` appends atomically (all or none) and checks the
  stream's version first: `ANY` (no check), `NO_STREAM` (version must be 0), `STREAM_EXISTS`
  (version must be > 0), or an int (exactly that version). A failed check raises
  `WrongExpectedVersion` and appends nothing. Of two appends made with the same expected version,
  exactly one succeeds.
* **Global positions in commit order.** Every event gets a position in the global log: 1, 2, 3,
  ... contiguous, without gaps, in commit order, also with several writer processes. A reader
  that has seen position p and later sees p' > p has seen (or can still read) every event
  between them: tailing never skips and never repeats.
* **Durability.** `append` returns only after the events are durable (the commit reached disk).
  Concurrent appends are group-committed (one transaction for everything queued while the
  previous commit ran); each caller is still released only after its own events are durable.
* **Reads.** `read_stream` reads one stream by version; `read_all` reads the global log after a
  position, optionally filtered by tenant id and event types; `head` is the last position.
  `subscribe` follows the global log from a position, across processes: it yields every event
  after it exactly once, in order, then waits for more (woken by this process's own appends,
  by LISTEN/NOTIFY on PostgreSQL, and by polling as a fallback). It ends when the store closes.
* **Errors.** Only the exceptions of `eventstore.errors` escape; driver exceptions are translated.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
from collections.abc import AsyncIterator, Collection, Sequence
from typing import ClassVar

from ._batch import Append, Outcome, validate_expected
from .envelope import ANY, Expected, NewEvent, RecordedEvent
from .errors import StoreClosed
from .group_commit import GroupCommitter


class ChangeSignal:
    """A wake-up for readers: `current()` returns an event that is set on the next `fire()`.

    Take the event *before* reading; then a change that lands between the read and the wait
    is never missed.
    """

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def current(self) -> asyncio.Event:
        return self._event

    def fire(self) -> None:
        event, self._event = self._event, asyncio.Event()
        event.set()


class EventStore(abc.ABC):
    """Base class of the backends; see the module docstring for the contract."""

    backend: ClassVar[str]

    def __init__(
        self,
        *,
        group_commit: bool = True,
        max_batch: int = 512,
        linger_s: float = 0.0,
        poll_interval_s: float = 0.2,
    ) -> None:
        self._changes = ChangeSignal()
        self._closed = False
        self.poll_interval_s = poll_interval_s
        self.group_commit = group_commit
        self._committer: GroupCommitter[Append, list[RecordedEvent]] | None = None
        if group_commit:
            self._committer = GroupCommitter(self._write_batch, max_batch=max_batch, linger_s=linger_s)

    # ------------------------------------------------------------------ writing
    async def append(
        self, stream_id: str, events: Sequence[NewEvent], expected_version: Expected = ANY
    ) -> list[RecordedEvent]:
        """Append `events` to `stream_id` if its version matches; return them as recorded."""
        if not stream_id:
            raise ValueError("stream_id must be a non-empty string")
        validate_expected(expected_version)
        if self._closed:
            raise StoreClosed("the store is closed")
        item = Append(stream_id, tuple(events), expected_version)
        if self._committer is not None:
            return await self._committer.submit(item)
        (outcome,) = await self._write_batch([item])
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    async def append_many(self, appends: Sequence[Append]) -> list[Outcome]:
        """Several appends in ONE transaction, in order, each checked on its own: the outcome of
        each is its recorded events or the WrongExpectedVersion it failed with (not raised)."""
        for item in appends:
            if not item.stream_id:
                raise ValueError("stream_id must be a non-empty string")
            validate_expected(item.expected)
        if self._closed:
            raise StoreClosed("the store is closed")
        return await self._write_batch(list(appends)) if appends else []

    @abc.abstractmethod
    async def _write_batch(self, appends: list[Append]) -> list[Outcome]:
        """Commit a batch in one transaction; one outcome per append; fire the change signal."""

    # ------------------------------------------------------------------ reading
    @abc.abstractmethod
    async def read_stream(self, stream_id: str, from_version: int = 1, limit: int | None = None) -> list[RecordedEvent]:
        """Events of one stream with stream_version >= from_version, in version order."""

    @abc.abstractmethod
    async def read_all(
        self,
        after_position: int = 0,
        limit: int = 1000,
        *,
        tenant_id: str | None = None,
        types: Collection[str] | None = None,
    ) -> list[RecordedEvent]:
        """Up to `limit` events with position > after_position, in position order, filtered."""

    @abc.abstractmethod
    async def head(self) -> int:
        """The position of the last committed event (0 for an empty store)."""

    @abc.abstractmethod
    async def stream_version(self, stream_id: str) -> int:
        """The current version of a stream (0 if it does not exist)."""

    async def subscribe_batches(
        self,
        after_position: int = 0,
        *,
        tenant_id: str | None = None,
        types: Collection[str] | None = None,
        batch_size: int = 500,
    ) -> AsyncIterator[list[RecordedEvent]]:
        """Like `subscribe`, but yields the events in the batches they were read in."""
        position = after_position
        while not self._closed:
            changed = self._changes.current()
            batch = await self.read_all(position, batch_size, tenant_id=tenant_id, types=types)
            if batch:
                position = batch[-1].position
                yield batch
                continue
            await self.wait_for_change(changed)

    async def subscribe(
        self,
        after_position: int = 0,
        *,
        tenant_id: str | None = None,
        types: Collection[str] | None = None,
        batch_size: int = 500,
    ) -> AsyncIterator[RecordedEvent]:
        """Every event after `after_position` exactly once, in order, following new appends."""
        async for batch in self.subscribe_batches(
            after_position, tenant_id=tenant_id, types=types, batch_size=batch_size
        ):
            for event in batch:
                yield event

    def change_token(self) -> asyncio.Event:
        """Take before reading; pass to `wait_for_change` after finding nothing new."""
        return self._changes.current()

    async def wait_for_change(self, token: asyncio.Event, timeout: float | None = None) -> None:
        """Return when something may have been appended since `token` was taken (or on timeout,
        which stands in for notifications this process cannot receive), or when closing."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(token.wait(), self.poll_interval_s if timeout is None else timeout)

    def _notify_appended(self) -> None:
        self._changes.fire()

    # ------------------------------------------------------------------ lifecycle
    @property
    def closed(self) -> bool:
        return self._closed

    async def close(self) -> None:
        """Commit what is queued, stop accepting appends, end subscriptions, release connections."""
        if self._closed:
            return
        if self._committer is not None:
            await self._committer.close()
        self._closed = True
        self._changes.fire()
        await self._close_backend()

    @abc.abstractmethod
    async def _close_backend(self) -> None: ...

    async def __aenter__(self) -> EventStore:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()
