"""In-process cost of the twin's hot routes: no server, no sockets, no load generator.

    .venv/bin/python -m benchmarks.inprocess [--requests 5000] [--concurrency 64] [--store URL] [--profile]
                                             [--projector process|worker]

Builds the twin app (twin.app.create_app) on a fresh SQLite store (or --store), runs its
lifespan, mints a key through the twin plane, then calls the ASGI app directly for each
workload (non-streamed messages, streamed messages, count_tokens): `--concurrency` requests at a
time until `--requests` are done, and reports wall and CPU µs per request (the whole process, and
the event-loop thread alone; the rest is the store's threads). As under `twin serve`, the durable
views are not applied in the measured process unless `--projector worker`. The same numbers for
the raw reference app (benchmarks/refapp.py) are printed beside them. `--profile` adds the top
functions by own time (cProfile) per workload: where the twin's per-request time goes.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import io
import os
import pstats
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import msgspec
import uvloop

from .bodies import WORKLOADS, builtin_answers
from .refapp import ReferenceApp

App = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


async def _call(app: App, method: str, path: str, body: bytes, headers: list[tuple[bytes, bytes]]) -> tuple[int, bytes]:
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "scheme": "http",
        "headers": [(b"host", b"127.0.0.1"), (b"content-length", str(len(body)).encode()), *headers],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8080),
        "state": {},
    }
    sent = False
    status = 0
    chunks: list[bytes] = []

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        await asyncio.sleep(3600)
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, send)
    return status, b"".join(chunks)


class _Lifespan:
    def __init__(self, app: App) -> None:
        self.app = app
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.done: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> _Lifespan:
        self.task = asyncio.ensure_future(
            self.app({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, self.queue.get, self.done.put)
        )
        await self.queue.put({"type": "lifespan.startup"})
        message = await self.done.get()
        if message["type"] != "lifespan.startup.complete":
            raise RuntimeError(f"startup failed: {message}")
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.queue.put({"type": "lifespan.shutdown"})
        await self.done.get()
        if self.task is not None:
            await self.task


async def _mint(app: App) -> str:
    status, body = await _call(
        app, "POST", "/_twin/tenants", b'{"friendly_name":"inprocess"}', [(b"content-type", b"application/json")]
    )
    if status != 201:
        raise RuntimeError(f"tenant: {status} {body[:200]!r}")
    tenant = msgspec.json.decode(body)
    import base64

    basic = base64.b64encode(f"{tenant['tenant_id']}:{tenant['tenant_secret']}".encode())
    status, body = await _call(
        app, "POST", "/_twin/accounts", b'{"kind":"api_key"}',
        [(b"content-type", b"application/json"), (b"authorization", b"Basic " + basic)],
    )  # fmt: skip
    if status != 201:
        raise RuntimeError(f"account: {status} {body[:200]!r}")
    return str(msgspec.json.decode(body)["api_key"])


async def _drive(app: App, key: str, workload: str, requests: int, concurrency: int) -> dict[str, Any]:
    path, body, _ = WORKLOADS[workload]
    headers = [
        (b"x-api-key", key.encode()),
        (b"anthropic-version", b"2023-06-01"),
        (b"content-type", b"application/json"),
    ]
    status, answer = await _call(app, "POST", path, body, headers)
    if status != 200:
        return {"ok": False, "status": status, "answer": answer[:200].decode(errors="replace")}
    done = 0
    statuses: dict[int, int] = {}
    wall, cpu, loop_cpu = time.perf_counter(), time.process_time(), time.thread_time()

    async def lane() -> None:
        nonlocal done
        while done < requests:
            done += 1
            got, _ = await _call(app, "POST", path, body, headers)
            statuses[got] = statuses.get(got, 0) + 1

    await asyncio.gather(*(lane() for _ in range(concurrency)))
    wall, cpu, loop_cpu = time.perf_counter() - wall, time.process_time() - cpu, time.thread_time() - loop_cpu
    return {
        "ok": True,
        "requests": done,
        "wall_us": wall / done * 1e6,
        "cpu_us": cpu / done * 1e6,
        "loop_cpu_us": loop_cpu / done * 1e6,
        "statuses": statuses,
    }


async def main(args: argparse.Namespace) -> int:
    from twin.app import create_app
    from twin.config import Settings

    reference = ReferenceApp(builtin_answers())
    with tempfile.TemporaryDirectory(prefix="twin-inprocess-") as tmp:
        store = args.store or f"sqlite:///{Path(tmp) / 'twin.db'}"
        app: Any = create_app(Settings(store=store, projector=args.projector))
        async with _Lifespan(app):
            key = await _mint(app)
            for workload in args.workloads.split(","):
                ref = await _drive(reference, "k", workload, args.requests, args.concurrency)
                profiler = cProfile.Profile() if args.profile else None
                if profiler is not None:
                    profiler.enable()
                twin = await _drive(app, key, workload, args.requests, args.concurrency)
                if profiler is not None:
                    profiler.disable()
                if not twin["ok"]:
                    print(f"{workload:13} twin answers {twin['status']}: {twin['answer']}")
                    continue
                print(
                    f"{workload:13} twin {twin['wall_us']:7.1f} µs wall {twin['cpu_us']:7.1f} µs CPU per request "
                    f"({twin['loop_cpu_us']:5.1f} on the event loop)   "
                    f"reference {ref['wall_us']:5.1f} / {ref['cpu_us']:5.1f}   statuses {twin['statuses']}",
                    flush=True,
                )
                if profiler is not None:
                    out = io.StringIO()
                    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(args.top)
                    print(out.getvalue().split("\n", 4)[-1][:6000])
    return 0


def cli() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=5000)
    parser.add_argument("--concurrency", type=int, default=64)
    parser.add_argument("--workloads", default="messages,stream,count_tokens")
    parser.add_argument("--store", help="event store URL (default: a fresh SQLite file)")
    parser.add_argument("--profile", action="store_true", help="cProfile top functions per workload")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument(
        "--projector",
        choices=["process", "worker"],
        default="process",
        help="process (as `twin serve`: durable views applied elsewhere, not measured) or worker (in this process)",
    )
    os.environ.setdefault("TWIN_LOG_LEVEL", "warning")
    return uvloop.run(main(parser.parse_args()))


if __name__ == "__main__":
    raise SystemExit(cli())
