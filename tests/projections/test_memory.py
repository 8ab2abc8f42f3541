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
