"""The projection runner across processes: concurrent setup, racing appliers, rebuild under load."""

from __future__ import annotations

import asyncio

from eventstore import EventStore, open_views
from projections.codec import twin_codec
from projections.registry import durable_projections
from projections.runner import ProjectionRunner
from tests.projections.test_rebuild import _workload
from tests.support.views import dump_views


async def test_workers_starting_together_set_up_the_views_once(store: EventStore, store_url: str) -> None:
    databases = [await open_views(store_url) for _ in range(4)]  # as four worker processes would
    try:
        runners = [ProjectionRunner(store, db, durable_projections(), twin_codec()) for db in databases]
        await asyncio.gather(*(runner.setup() for runner in runners))
        await _workload(store, 3)
        await asyncio.gather(*(runner.catch_up() for runner in runners))  # racing appliers
        await _workload(store, 3, start=3)
        await asyncio.gather(*(runner.catch_up() for runner in runners))
        raced = await dump_views(databases[0])
        await runners[1].rebuild()
        assert await dump_views(databases[0]) == raced  # each event applied exactly once
    finally:
        for db in databases:
            await db.close()
