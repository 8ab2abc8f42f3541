"""The prompt-cache and clock views: fold effects, idempotent re-application, rebuild equals incremental."""

from __future__ import annotations

from eventstore import RecordedEvent
from projections.base import Fact
from projections.clock import TenantClock
from projections.prompt_cache import TTL_US, PromptCacheView
from tests.support.events import message_with_cache_effects
from twin.events import CacheEffect, TenantClockAdvanced

T0 = 1_800_000_000_000_000


def recorded(position: int, tenant: str, kind: str, at_us: int) -> RecordedEvent:
    return RecordedEvent(
        position=position,
        stream_id=f"s-{position}",
        stream_version=1,
        event_id=f"e{position}",
        type=kind,
        schema_version=1,
        tenant_id=tenant,
        correlation_id="c",
        causation_id="c",
        recorded_at_us=at_us,
        data=b"{}",
        metadata=b"{}",
    )


def history() -> list[Fact]:
    write = CacheEffect("aaa", 2000, "5m", "write")
    long = CacheEffect("bbb", 3000, "1h", "write")
    return [
        Fact(recorded(1, "t1", "message.created", T0), message_with_cache_effects([write, long])),
        Fact(recorded(2, "t1", "tenant.clock.advanced", T0 + 10), TenantClockAdvanced("t1", 60_000)),
        Fact(
            recorded(3, "t1", "message.created", T0 + 20),
            message_with_cache_effects([CacheEffect("aaa", 2000, "5m", "read")]),
        ),
        Fact(recorded(4, "t2", "message.created", T0 + 30), message_with_cache_effects([write])),
    ]


def fold(facts: list[Fact]) -> tuple[TenantClock, PromptCacheView]:
    clock = TenantClock()
    cache = PromptCacheView(clock)
    for fact in facts:
        for view in (clock, cache):
            if fact.recorded.type in view.event_types:
                view.apply(fact)
    return clock, cache


def test_effects_fold_into_expiries_on_the_tenant_clock() -> None:
    clock, cache = fold(history())
    assert clock.offset_us("t1") == 60_000_000
    assert clock.offset_us("t2") == 0
    entries = cache.entries("t1")
    # the read happened 60 s later on t1's clock, and refreshed the 5-minute entry from there
    assert entries["aaa"] == T0 + 20 + 60_000_000 + TTL_US["5m"]
    assert entries["bbb"] == T0 + TTL_US["1h"]
    assert cache.entries("t2") == {"aaa": T0 + 30 + TTL_US["5m"]}
    assert cache.entries("nobody") == {}


def test_reapplying_is_harmless_and_rebuild_equals_incremental() -> None:
    facts = history()
    clock = TenantClock()
    cache = PromptCacheView(clock)
    for fact in facts:
        if fact.recorded.type == "message.created":
            cache.apply(fact)  # eager, when the worker records it
        for view in (clock, cache):  # then again when the worker follows the store
            if fact.recorded.type in view.event_types:
                view.apply(fact)
    _, rebuilt = fold(facts)
    assert cache.tenants == rebuilt.tenants


def test_an_advance_seen_twice_counts_once() -> None:
    """The recording worker applies an advance at once and again when it follows the store."""
    clock = TenantClock()
    advance = Fact(recorded(7, "t1", "tenant.clock.advanced", 0), TenantClockAdvanced("t1", 1_000))
    clock.apply(advance)
    clock.apply(advance)
    clock.apply(Fact(recorded(9, "t1", "tenant.clock.advanced", 0), TenantClockAdvanced("t1", 500)))
    assert clock.offset_us("t1") == 1_500_000
