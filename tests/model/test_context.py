"""model_context in two workers (two Runtimes on one store): read-your-writes for cache and clock."""

from __future__ import annotations

import time

from tests.support.events import message_with_cache_effects
from twin.config import Settings
from twin.events import CacheEffect, TenantClockAdvanced
from twin.model_context import current_model_context, model_context
from twin.runtime import Runtime


async def test_two_workers_see_each_others_cache_and_clock(sqlite_url: str) -> None:
    settings = Settings(store=sqlite_url)
    first = await Runtime.start(settings)
    second = await Runtime.start(settings)
    try:
        await first.record("tenant-t1", [TenantClockAdvanced("t1", 90_000)], tenant_id="t1", correlation_id="c1")
        effect = CacheEffect("prefix-1", 2048, "5m", "write")
        await first.record("request-r1", [message_with_cache_effects([effect])], tenant_id="t1", correlation_id="r1")
        mine = model_context(first, "t1")  # the recording worker: no store read needed
        assert mine.prompt_cache("prefix-1") is not None
        theirs = await current_model_context(second, "t1", uses_cache=True)
        assert theirs.prompt_cache("prefix-1") == mine.prompt_cache("prefix-1")
        assert second.clock.offset_us("t1") == 90_000_000
        assert theirs.now_us >= time.time_ns() // 1000 + 89_000_000  # the tenant's clock runs 90 s ahead
        assert model_context(second, "t2").prompt_cache("prefix-1") is None
    finally:
        await second.stop()
        await first.stop()
