"""In-memory views: a worker's own events reach eager views at once, and are not decoded again."""

from __future__ import annotations

from typing import Any, ClassVar

from eventstore import EventStore, RecordedEvent
from projections.base import Fact, MemoryView
from projections.codec import twin_codec
from projections.memory import MemoryViews
from twin.events import TenantClockAdvanced


class CountingCodec:
    def __init__(self) -> None:
        self.inner = twin_codec()
        self.decoded: list[int] = []

    def decode(self, recorded: RecordedEvent) -> Any:
        self.decoded.append(recorded.position)
        return self.inner.decode(recorded)


class Advances(MemoryView):
    event_types = frozenset({"tenant.clock.advanced"})
    eager: ClassVar[bool] = True

    def __init__(self) -> None:
        self.seen: dict[int, int] = {}

    def apply(self, fact: Fact) -> None:
        self.seen[fact.recorded.position] = fact.event.advanced_by_ms


async def test_observed_events_are_applied_once_and_never_decoded_again(store: EventStore) -> None:
    codec = CountingCodec()
    view = Advances()
    memory = MemoryViews(store, codec, [view])  # type: ignore[arg-type]
    codec_for_writes = twin_codec()
    mine = await store.append("t", [codec_for_writes.new_event(TenantClockAdvanced("t1", 5))])
    memory.observe([Fact(mine[0], TenantClockAdvanced("t1", 5))])
    theirs = await store.append("t", [codec_for_writes.new_event(TenantClockAdvanced("t1", 7))])
    await memory.refresh()
    assert view.seen == {mine[0].position: 5, theirs[0].position: 7}
    assert codec.decoded == [theirs[0].position]  # our own event was not decoded a second time


class ReadCountingStore:
    """The real store, counting the events `read_all` hands to the memory views."""

    def __init__(self, inner: EventStore) -> None:
        self.inner = inner
        self.returned: list[int] = []

    async def head(self) -> int:
        return await self.inner.head()

    async def read_all(self, after_position: int = 0, limit: int = 1000, **filters: Any) -> list[RecordedEvent]:
        events = await self.inner.read_all(after_position, limit, **filters)
        self.returned.extend(event.position for event in events)
        return events


class Keys(MemoryView):
    """A view that is not eager: what this worker records must still be read back for it."""

    event_types = frozenset({"tenant.clock.advanced"})

    def __init__(self) -> None:
        self.seen: list[int] = []

    def apply(self, fact: Fact) -> None:
        self.seen.append(fact.recorded.position)


async def test_own_events_only_eager_views_follow_are_not_read_back(store: EventStore) -> None:
    counting = ReadCountingStore(store)
    view = Advances()
    memory = MemoryViews(counting, twin_codec(), [view])  # type: ignore[arg-type]
    codec = twin_codec()

    async def record(advanced_by_ms: int, *, observe: bool) -> int:
        event = TenantClockAdvanced("t1", advanced_by_ms)
        (recorded,) = await store.append("t", [codec.new_event(event)])
        if observe:
            memory.observe([Fact(recorded, event)])
        return recorded.position

    first = await record(1, observe=True)
    second = await record(2, observe=True)
    await memory.refresh()
    assert counting.returned == []  # nothing to read: both were applied when recorded
    assert memory.position == second

    foreign = await record(3, observe=False)  # another worker's event: a gap
    after_gap = await record(4, observe=True)
    await memory.refresh()
    assert view.seen == {first: 1, second: 2, foreign: 3, after_gap: 4}
    assert memory.position == after_gap
    read_before = list(counting.returned)
    last = await record(5, observe=True)
    await memory.refresh()
    assert counting.returned == read_before  # past the gap, own events are passed over again
    assert memory.position == last


async def test_own_events_a_non_eager_view_follows_are_read_back(store: EventStore) -> None:
    counting = ReadCountingStore(store)
    eager, follower = Advances(), Keys()
    memory = MemoryViews(counting, twin_codec(), [eager, follower])  # type: ignore[arg-type]
    event = TenantClockAdvanced("t1", 9)
    (recorded,) = await store.append("t", [twin_codec().new_event(event)])
    memory.observe([Fact(recorded, event)])
    assert follower.seen == []  # only eager views are applied at once
    await memory.refresh()
    assert follower.seen == [recorded.position]
    assert counting.returned == [recorded.position]
