"""Durable-projection benchmark: the CPU a fresh runner spends per event to catch its views up.

    .venv/bin/python -m benchmarks.projections [--events 20000] [--repeat 3] [--batch 1000]
                                               [--store URL] [--views logs,messages] [--profile]

Fills a fresh event store (a new SQLite file by default; `--store` takes a PostgreSQL URL like
the other benchmarks and uses a scratch schema in it, dropped before and after) with N realistic
`message.created` events (the bodies of benchmarks.bodies, the twin's random message and request
ids, one request stream each, as POST /v1/messages records them) and, every 100th, a few events
of the other types (tenant, key, token count, reads, a failure, feedback). Then, for each durable
projection alone and for all of them together, it drops the views, sets them up and times one
`await runner.catch_up()` of a fresh ProjectionRunner: wall time, process CPU (every thread: the
loop's and the database drivers'), and the event-loop thread's own CPU, each per event in the
store. Each cell runs `--repeat` times and keeps the best (the machine is shared and noisy). A
small `--batch` (e.g. 50) stands for `twin project` under steady load, whose passes each take
the few events of the last 0.1 s. `twin project` runs on asyncio's default loop, and so does
this. Prints a Markdown table and writes JSON with the machine to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import cProfile
import pstats
import tempfile
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import msgspec

from benchmarks.bodies import default_message, message_request
from benchmarks.machine import describe_machine, postgres_server_version, save_result
from eventstore import NO_STREAM, Append, EventStore, NewEvent, ViewDatabase, open_store, open_views
from eventstore.postgres import parse_postgres_url
from projections.base import Projection
from projections.codec import twin_codec
from projections.registry import durable_projections
from projections.runner import ProjectionRunner
from twin.events import (
    ApiKeyIssued,
    FeedbackSubmitted,
    MessageCreated,
    OperationRecorded,
    TenantCreated,
    TokensCounted,
)
from twin.ids import new_message_id, new_request_id

DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
_APPEND_CHUNK = 500


def _message(i: int) -> MessageCreated:
    return MessageCreated(
        message_id=new_message_id(),
        api_key_id=f"apikey_{i % 7}",
        model="claude-sonnet-4-5",
        stream=i % 2 == 0,
        api_version="2023-06-01",
        betas=["prompt-caching-2024-07-31"] if i % 5 == 0 else [],
        path="/v1/messages",
        request=msgspec.Raw(message_request(stream=i % 2 == 0)),
        response=msgspec.Raw(default_message()),
        input_tokens=21,
        output_tokens=64,
        stop_reason="end_turn",
    )


def _others(i: int) -> list[tuple[str, msgspec.Struct]]:
    """The other kinds of events a deployment records, (stream, event) pairs."""
    tenant = f"tenant-{i % 3}"
    return [
        (f"tenant-{tenant}-{i}", TenantCreated(f"{tenant}-{i}", "Bench", "scrypt$x", "2026-01-01T00:00:00Z")),
        (f"tenant-{tenant}-{i}", ApiKeyIssued(f"apikey_b{i}", tenant, "ci", "h" * 64, "sk-…abcd", "2026")),
        (
            f"request-c{i}",
            TokensCounted(
                "apikey_1", "claude-haiku-4-5", "2023-06-01", [], "/v1/messages/count_tokens", msgspec.Raw(b"{}"), 9
            ),
        ),
        (f"request-r{i}", OperationRecorded(plane="twin", operation="twin.message.list", outcome="success")),
        (
            f"request-f{i}",
            OperationRecorded(plane="data", operation="auth.api_key.validate", outcome="failure", reason="bad key"),
        ),
        (f"request-b{i}", FeedbackSubmitted(f"fb_{i}", "the twin is fast", "praise", {"i": i})),
    ]


async def _fill(store: EventStore, count: int) -> int:
    """Append `count` message.created events (and a few others); the number of events appended."""
    codec = twin_codec()
    pending: list[Append] = []
    total = 0
    for i in range(count):
        stream_events = [(f"request-m{i}", _message(i))] + (_others(i) if i % 100 == 0 else [])
        for stream, event in stream_events:
            new: NewEvent = codec.new_event(event, tenant_id=f"tenant-{i % 3}", correlation_id=new_request_id())
            pending.append(Append(stream, [new], NO_STREAM))
        if len(pending) >= _APPEND_CHUNK or i == count - 1:
            await store.append_many(pending)
            total += len(pending)
            pending = []
    return total


async def _drop_views(views: ViewDatabase) -> None:
    async with views.transaction() as tx:
        for projection in durable_projections():
            for table in projection.tables:
                await tx.execute(f"DROP TABLE IF EXISTS {table}")
        await tx.execute("DROP TABLE IF EXISTS view_checkpoints")
        await tx.execute("DROP TABLE IF EXISTS view_source")


def _loop_thread_time() -> float:
    """CPU time of the calling (event-loop) thread; must be called on the loop."""
    assert threading.current_thread() is threading.main_thread()
    return time.thread_time()


async def _measure(
    store: EventStore, views: ViewDatabase, projections: list[Projection], batch: int, profile: cProfile.Profile | None
) -> dict[str, float]:
    await _drop_views(views)
    runner = ProjectionRunner(store, views, projections, twin_codec(), batch_size=batch)
    await runner.setup()
    wall, cpu, loop_cpu = time.perf_counter(), time.process_time(), _loop_thread_time()
    if profile is not None:
        profile.enable()
    await runner.catch_up()
    if profile is not None:
        profile.disable()
    return {
        "wall_s": time.perf_counter() - wall,
        "cpu_s": time.process_time() - cpu,
        "loop_cpu_s": _loop_thread_time() - loop_cpu,
    }


@contextlib.asynccontextmanager
async def _fresh_store(url: str | None, scratch: str) -> AsyncIterator[str]:
    """A store URL with nothing in it: a new SQLite file, or a PostgreSQL schema dropped before and
    after (`bench_projections` unless the URL names one; never `public`)."""
    if url is None:
        yield f"sqlite:///{scratch}/events.db"
        return
    dsn, schema = parse_postgres_url(url)
    if schema == "public":
        schema = "bench_projections"
        url = f"{url}{'&' if '?' in url else '?'}schema={schema}"
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        yield url
    finally:
        await connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        await connection.close()


async def main(args: argparse.Namespace) -> int:
    by_name = {projection.name: projection for projection in durable_projections()}
    wanted = args.views.split(",") if args.views else [*by_name, "all"]
    cells = {name: list(by_name.values()) if name == "all" else [by_name[name]] for name in wanted}
    profile = cProfile.Profile() if args.profile else None
    rows: list[dict[str, Any]] = []
    postgres_version = None
    with tempfile.TemporaryDirectory(prefix="twin-bench-") as scratch:
        async with _fresh_store(args.store, scratch) as url:
            if args.store is not None:
                postgres_version = await postgres_server_version(parse_postgres_url(url)[0])
            store = await open_store(url)
            views = await open_views(url)
            try:
                events = await _fill(store, args.events)
                print(f"{events} events; best of {args.repeat} per cell", flush=True)
                for name, projections in cells.items():
                    runs = [
                        await _measure(store, views, projections, args.batch, profile if name == "all" else None)
                        for _ in range(args.repeat)
                    ]
                    row: dict[str, Any] = {"view": name, "events": events}
                    for metric in ("wall_s", "cpu_s", "loop_cpu_s"):
                        row[metric.replace("_s", "_us_per_event")] = min(r[metric] for r in runs) / events * 1e6
                    rows.append(row)
                    print(
                        f"{name:9} wall {row['wall_us_per_event']:7.1f} µs  cpu {row['cpu_us_per_event']:7.1f} µs"
                        f"  loop cpu {row['loop_cpu_us_per_event']:7.1f} µs  per event",
                        flush=True,
                    )
            finally:
                await views.close()
                await store.close()
    print()
    print("| view | wall µs/event | CPU µs/event | loop-thread CPU µs/event |")
    print("|---|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row['view']} | {row['wall_us_per_event']:.1f} | {row['cpu_us_per_event']:.1f}"
            f" | {row['loop_cpu_us_per_event']:.1f} |"
        )
    if profile is not None:
        print()
        pstats.Stats(profile).sort_stats("tottime").print_stats(30)
    machine = describe_machine(packages=("aiosqlite", "asyncpg", "msgspec"))
    machine["postgres_server"] = postgres_version
    report = {
        "benchmark": "projections",
        "method": __doc__,
        "backend": "sqlite" if args.store is None else "postgres",
        "events": args.events,
        "batch_size": args.batch,
        "repeat": args.repeat,
        "machine": machine,
        "results": rows,
    }
    out = save_result("projections", report)
    print(f"\nwrote {out}")
    return 0


def cli() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=20_000, help="message.created events to fill the store with")
    parser.add_argument("--repeat", type=int, default=3, help="runs per cell; the best is kept")
    parser.add_argument("--batch", type=int, default=1000, help="the runner's batch size")
    parser.add_argument("--store", help=f"a PostgreSQL URL, e.g. {DEFAULT_POSTGRES} (default: a SQLite file)")
    parser.add_argument("--views", help="comma-separated projection names and/or 'all' (default: each, then all)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of the loop thread for 'all'")
    return asyncio.run(main(parser.parse_args()))


if __name__ == "__main__":
    raise SystemExit(cli())
