"""Event-store append benchmark: appends/s and p50/p99 latency per backend and concurrency.

    .venv/bin/python -m benchmarks.eventstore [--seconds 2.5] [--concurrency 1,16,64,256]
                                              [--backends sqlite,postgres] [--postgres DSN]

Each cell opens a fresh store (a new SQLite file; a new PostgreSQL schema), runs C appender
coroutines for the given time, each appending one ~1 KB event per call to its own new stream
(NO_STREAM, as the twin's hot path does), and measures every append from call to
acknowledgement (durable). "group" is the default store; "single" opens it with
group_commit=0, i.e. one transaction per append. Prints a Markdown table and writes JSON with
the machine, versions and date to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import tempfile
import time
from typing import Any

import asyncpg
import msgspec
import uvloop

from benchmarks.machine import describe_machine, postgres_server_version, save_result
from eventstore import NO_STREAM, NewEvent, open_store

PAYLOAD = msgspec.json.encode({"request": {"model": "claude-sonnet-4-5", "text": "x" * 900}, "usage": {"in": 12}})


async def _run_cell(url: str, concurrency: int, seconds: float, group_commit: bool) -> dict[str, Any]:
    store = await open_store(url, group_commit=group_commit)
    latencies: list[float] = []
    stop_at = 0.0
    try:

        async def appender(lane: int) -> None:
            n = 0
            while time.perf_counter() < stop_at:
                n += 1
                event = NewEvent(type="bench.appended", data=PAYLOAD, tenant_id="bench")
                started = time.perf_counter()
                await store.append(f"bench-{lane}-{n}", [event], NO_STREAM)
                latencies.append(time.perf_counter() - started)

        stop_at = time.perf_counter() + 0.3  # warm-up
        await asyncio.gather(*(appender(-lane - 1) for lane in range(concurrency)))
        latencies.clear()
        begin = time.perf_counter()
        stop_at = begin + seconds
        await asyncio.gather(*(appender(lane) for lane in range(concurrency)))
        elapsed = time.perf_counter() - begin
    finally:
        await store.close()
    quantiles = statistics.quantiles(latencies, n=100, method="inclusive")
    return {
        "appends": len(latencies),
        "appends_per_s": len(latencies) / elapsed,
        "p50_ms": quantiles[49] * 1000,
        "p99_ms": quantiles[98] * 1000,
    }


@contextlib.asynccontextmanager
async def _postgres_schema(dsn: str, name: str) -> Any:
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        yield f"{dsn}{'&' if '?' in dsn else '?'}schema={name}"
    finally:
        await connection.execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        await connection.close()


async def main(args: argparse.Namespace) -> int:
    concurrencies = [int(c) for c in args.concurrency.split(",")]
    backends = args.backends.split(",")
    postgres_version = await postgres_server_version(args.postgres) if "postgres" in backends else None
    if "postgres" in backends and postgres_version is None:
        print(f"note: no PostgreSQL at {args.postgres}; skipping the postgres rows")
        backends.remove("postgres")
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="twin-bench-") as scratch:
        for backend in backends:
            for mode in ("group", "single"):
                for concurrency in concurrencies:
                    tag = f"{backend}_{mode}_{concurrency}"
                    if backend == "sqlite":
                        result = await _run_cell(
                            f"sqlite:///{scratch}/{tag}.db", concurrency, args.seconds, mode == "group"
                        )
                    else:
                        async with _postgres_schema(args.postgres, f"bench_{tag}") as url:
                            result = await _run_cell(url, concurrency, args.seconds, mode == "group")
                    row = {"backend": backend, "commit": mode, "concurrency": concurrency, **result}
                    rows.append(row)
                    print(
                        f"{backend:8} {mode:6} c={concurrency:<4} {result['appends_per_s']:>9,.0f} appends/s  "
                        f"p50 {result['p50_ms']:7.2f} ms  p99 {result['p99_ms']:7.2f} ms",
                        flush=True,
                    )
    print()
    print("| backend | commit | appenders | appends/s | p50 ms | p99 ms |")
    print("|---|---|---:|---:|---:|---:|")
    for row in rows:
        print(
            f"| {row['backend']} | {row['commit']} | {row['concurrency']} | {row['appends_per_s']:,.0f} "
            f"| {row['p50_ms']:.2f} | {row['p99_ms']:.2f} |"
        )
    machine = describe_machine(packages=("aiosqlite", "asyncpg", "msgspec", "uvloop"))
    machine["postgres_server"] = postgres_version
    report = {
        "benchmark": "eventstore",
        "method": __doc__,
        "payload_bytes": len(PAYLOAD),
        "seconds_per_cell": args.seconds,
        "machine": machine,
        "results": rows,
    }
    out = save_result("eventstore", report)
    print(f"\nwrote {out}")
    return 0


def cli() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=2.5)
    parser.add_argument("--concurrency", default="1,16,64,256")
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    return uvloop.run(main(parser.parse_args()))


if __name__ == "__main__":
    raise SystemExit(cli())
