"""Offline commands: rebuild views, export and import event history (`twin rebuild|export|import`)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys

from eventstore import export_jsonl, import_jsonl, open_store, open_views
from projections.codec import twin_codec
from projections.registry import durable_projections
from projections.runner import ProjectionRunner

from .config import Settings

#: How much lower than the workers `twin project` runs (added to its nice value): the views are
#: background work that reads catch up on demand, the requests are what a load test measures.
PROJECTOR_NICENESS = 10


async def rebuild(settings: Settings, names: list[str] | None) -> int:
    store = await open_store(settings.store)
    views = await open_views(settings.store)
    try:
        runner = ProjectionRunner(store, views, durable_projections(), twin_codec())
        unknown = set(names or []) - set(runner.projections)
        if unknown:
            known = ", ".join(runner.projections)
            print(f"twin: unknown view(s): {', '.join(sorted(unknown))}; known: {known}", file=sys.stderr)
            return 2
        await runner.setup()
        await runner.rebuild(names)
        print(f"rebuilt {', '.join(names or runner.projections) or 'nothing'} up to position {await store.head()}")
        return 0
    finally:
        await views.close()
        await store.close()


async def project(settings: Settings) -> int:
    """Apply the durable views in the background until SIGTERM/SIGINT (`twin project`).

    `twin serve` runs this in its own process beside the Granian workers, so that the CPU spent
    on views never competes with requests for a worker's event loop. Reads still catch their
    view up themselves, so answers never depend on this process keeping pace; hence it also runs
    at a lower scheduling priority (`PROJECTOR_NICENESS`): when the machine is saturated, serving
    requests comes first and the views catch up as soon as there is CPU to spare.
    """
    os.nice(PROJECTOR_NICENESS)
    store = await open_store(settings.store)
    views = await open_views(settings.store)
    runner = ProjectionRunner(store, views, durable_projections(), twin_codec())
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    try:
        await runner.setup()
        runner.start()
        await stop.wait()
        return 0
    finally:
        await runner.stop()
        await views.close()
        await store.close()


async def export(settings: Settings, tenant_id: str | None, out: str | None) -> int:
    store = await open_store(settings.store)
    try:
        if out is None or out == "-":
            count = await export_jsonl(store, sys.stdout.buffer, tenant_id=tenant_id)
        else:
            with open(out, "wb") as handle:  # noqa: ASYNC230 - a one-shot CLI; nothing else runs on this loop
                count = await export_jsonl(store, handle, tenant_id=tenant_id)
        print(f"exported {count} events", file=sys.stderr)
        return 0
    finally:
        await store.close()


async def import_(settings: Settings, path: str) -> int:
    store = await open_store(settings.store)
    try:
        if path == "-":
            report = await import_jsonl(store, sys.stdin.buffer)
        else:
            with open(path, "rb") as handle:  # noqa: ASYNC230 - a one-shot CLI; nothing else runs on this loop
                report = await import_jsonl(store, handle)
        print(f"imported {report.imported} events, skipped {report.skipped} already present", file=sys.stderr)
        return 0
    finally:
        await store.close()
