"""The projection runner across processes: concurrent setup, racing appliers, rebuild under load."""

from __future__ import annotations

import asyncio

import pytest

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


@pytest.mark.parametrize("batch_size", [5, 1000])
async def test_views_at_different_checkpoints_catch_up_together(
    store: EventStore, store_url: str, batch_size: int
) -> None:
    """A view behind the others (as after a version bump) reads with them when it is within a batch
    of them (batch 1000), else apart (batch 5); either way each event is applied exactly once."""
    views = await open_views(store_url)
    try:
        runner = ProjectionRunner(store, views, durable_projections(), twin_codec(), batch_size=batch_size)
        await runner.setup()
        await _workload(store, 6)
        await runner.catch_up()
        behind = await store.head() // 2
        async with views.transaction() as tx:
            await tx.execute("DELETE FROM v_messages WHERE position > $1", behind)
            await tx.execute("UPDATE view_checkpoints SET position = $1 WHERE name = 'messages'", behind)
        await _workload(store, 3, start=6)
        fresh = ProjectionRunner(store, views, durable_projections(), twin_codec(), batch_size=batch_size)
        await fresh.catch_up(["logs", "messages"])
        await fresh.catch_up()
        incremental = await dump_views(views)
        assert {row[1] for row in incremental["checkpoints"]} == {await store.head()}
        await fresh.rebuild()
        assert await dump_views(views) == incremental
    finally:
        await views.close()
