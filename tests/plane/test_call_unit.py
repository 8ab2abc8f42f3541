"""Read-your-writes waits are bounded: a view that cannot catch up in time is answered stale."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

from twin.api.plane.call import views_current


class Runner:
    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.asked: list[str] = []

    async def catch_up(self, names: Iterable[str] | None = None) -> None:
        self.asked += list(names or [])
        await asyncio.sleep(self.delay)


async def test_a_quick_catch_up_is_current() -> None:
    runner = Runner(0)
    assert await views_current(runner, ["logs"], 1.0) is True
    assert runner.asked == ["logs"]


async def test_a_slow_catch_up_is_cut_short_never_a_hang() -> None:
    assert await views_current(Runner(60), ["messages"], 0.01) is False


class Broken:
    async def catch_up(self, names: Iterable[str] | None = None) -> None:
        raise RuntimeError("a view cannot advance")


async def test_a_failing_catch_up_answers_stale_not_an_error() -> None:
    assert await views_current(Broken(), ["logs"], 1.0) is False
