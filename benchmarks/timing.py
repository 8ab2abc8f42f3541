"""Timing-profile accuracy: measured TTFT and tokens/s against the profile, at 1, 64 and 512 streams.

    .venv/bin/python -m benchmarks.load timing [--quick] [--concurrency 1,64,512]
        [--profile ttft_ms=500,tps=50,jitter_ms=20] [--timing-seconds 10] [--timing-variants raw,sqlite-w1]

For each server and concurrency level, N client lanes each keep one HTTP/1.1 connection and
request paced streams (`x-twin-timing: <profile>`) back to back for --timing-seconds (every lane
finishes at least one). The client is raw asyncio sockets on uvloop (an HTTP library would spend
more CPU than the server at 512 streams and blur the timings). Per stream:

    TTFT       = arrival of the first content_block_delta - the moment the request was written
    tokens/s   = output_tokens (message_delta usage) / (arrival of message_delta - arrival of first delta)

which is what the profile's schedule promises (see twin.domain.timing). Also measured: server
CPU (cores used over the level, and CPU per stream), and a wait probe: 512 streams with a 3 s
TTFT and nothing else, server CPU sampled while all of them are waiting (should be ~0).

The raw reference paces with the twin's own schedule and writer (benchmarks/refapp.py): it shows
what the pacing machinery achieves without the twin's work; the twin rows show the product.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import uvloop

from twin.domain.timing import TimingProfile, parse_header

from . import plots
from .bodies import WORKLOADS, message_request
from .load import PACKAGES, Cluster, close_cluster, stamp, start_cluster, write_report
from .machine import RESULTS, describe_machine
from .procs import Server, cpu_seconds, running
from .variants import parse_variants

WAIT_PROBE = "ttft_ms=3000"
STREAM_TIMEOUT = 120.0  # a stream that takes longer counts as an error (the run stays bounded)
TIMING_MAX_TOKENS = 64  # longer answers than the load test's: more deltas to pace
WAIT_PROBE_STREAMS = 512


class StreamResult:
    __slots__ = ("end", "error", "first", "output_tokens", "sent")

    def __init__(self, sent: float) -> None:
        self.sent = sent
        self.first: float | None = None
        self.end: float | None = None
        self.output_tokens = 0
        self.error: str | None = None


def _request_bytes(host: str, key: str, header: str, user: str = "bench-user-1") -> bytes:
    """A paced stream request. `user` goes into metadata.user_id: a different user gives the
    request another seed, hence another jitter draw (the same request always gets the same)."""
    path = WORKLOADS["stream"][0]
    body = message_request(stream=True, user=user, max_tokens=TIMING_MAX_TOKENS)
    head = (
        f"POST {path} HTTP/1.1\r\nhost: {host}\r\nx-api-key: {key}\r\nanthropic-version: 2023-06-01\r\n"
        f"content-type: application/json\r\naccept: text/event-stream\r\nx-twin-timing: {header}\r\n"
        f"content-length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def _read_body_chunks(reader: asyncio.StreamReader, headers: dict[str, str]) -> Any:
    """Yield the response body as it arrives (chunked or content-length)."""
    if headers.get("transfer-encoding", "").lower() == "chunked":
        while True:
            line = await reader.readline()
            size = int(line.split(b";")[0].strip() or b"0", 16)
            if size == 0:
                await reader.readline()  # the empty trailer line
                return
            data = await reader.readexactly(size + 2)
            yield data[:-2]
    else:
        length = int(headers.get("content-length", "0"))
        if length:
            yield await reader.readexactly(length)


async def _one_stream(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes) -> StreamResult:
    result = StreamResult(time.perf_counter())
    writer.write(request)
    status_line = await reader.readline()
    headers: dict[str, str] = {}
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    status = int(status_line.split()[1]) if len(status_line.split()) > 1 else 0
    buffer = b""
    async for data in _read_body_chunks(reader, headers):
        now = time.perf_counter()
        if status != 200:
            continue
        buffer += data
        while b"\n\n" in buffer:
            frame, buffer = buffer.split(b"\n\n", 1)
            if frame.startswith(b"event: content_block_delta") and result.first is None:
                result.first = now
            elif frame.startswith(b"event: message_delta"):
                result.end = now
                payload = json.loads(frame.split(b"data: ", 1)[1])
                result.output_tokens = int(payload.get("usage", {}).get("output_tokens", 0))
    if status != 200:
        result.error = f"HTTP {status}"
    elif result.first is None or result.end is None:
        result.error = "incomplete stream"
    if headers.get("connection", "").lower() == "close":
        raise ConnectionResetError("server closed the connection")
    return result


async def _lane(
    port: int, key: str, header: str, lane: int, until: float, results: list[StreamResult], delay: float = 0.0
) -> None:
    host = f"127.0.0.1:{port}"
    if delay > 0:
        await asyncio.sleep(delay)
    reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
    count = 0
    try:
        while True:
            count += 1
            request = _request_bytes(host, key, header, f"bench-{lane}-{count}")
            try:
                results.append(await asyncio.wait_for(_one_stream(reader, writer, request), STREAM_TIMEOUT))
            except (OSError, asyncio.IncompleteReadError, ValueError, TimeoutError) as exc:
                failed = StreamResult(time.perf_counter())
                failed.error = repr(exc)
                results.append(failed)
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port, limit=1 << 20)
            if time.perf_counter() >= until:
                return
    finally:
        writer.close()


async def _level(
    port: int, key: str, header: str, concurrency: int, seconds: float, spread: float = 0.0
) -> tuple[list[StreamResult], float]:
    """`concurrency` lanes; lane i starts after i/concurrency of `spread` seconds, so that the
    streams are spread over time as in a steady load, not all in lock-step bursts."""
    results: list[StreamResult] = []
    started = time.perf_counter()
    until = started + seconds + spread
    await asyncio.gather(
        *(_lane(port, key, header, lane, until, results, spread * lane / concurrency) for lane in range(concurrency))
    )
    return results, time.perf_counter() - started


def _stats(results: list[StreamResult], profile: TimingProfile) -> dict[str, Any]:
    good = [r for r in results if r.error is None and r.first is not None and r.end is not None]
    errors = [r.error for r in results if r.error is not None]
    row: dict[str, Any] = {"streams": len(good), "errors": len(errors), "error_examples": sorted(set(errors))[:3]}
    if not good:
        return row
    ttfts = sorted((r.first - r.sent) * 1000 for r in good if r.first is not None)
    rates = sorted(
        r.output_tokens / (r.end - r.first)
        for r in good
        if r.first is not None and r.end is not None and r.end > r.first and r.output_tokens
    )
    row.update(
        ttft_mean_ms=statistics.fmean(ttfts),
        ttft_p50_ms=statistics.median(ttfts),
        ttft_p99_ms=ttfts[min(len(ttfts) - 1, int(len(ttfts) * 0.99))],
        ttft_min_ms=ttfts[0],
        ttft_max_ms=ttfts[-1],
        ttft_error_ms=statistics.fmean(ttfts) - profile.ttft_ms,
        # the standard error of the mean that the jitter alone causes (uniform ±jitter)
        ttft_jitter_se_ms=profile.jitter_ms / math.sqrt(3) / math.sqrt(len(ttfts)),
    )
    if rates:
        row.update(
            tps_mean=statistics.fmean(rates), tps_p50=statistics.median(rates), tps_min=rates[0], tps_max=rates[-1]
        )
        if profile.tokens_per_second:
            row["tps_error_pct"] = (statistics.fmean(rates) / profile.tokens_per_second - 1) * 100
    return row


async def _measure_level(server: Server, key: str, header: str, concurrency: int, seconds: float) -> dict[str, Any]:
    pids = server.pids()
    cpu_before = cpu_seconds(pids)
    client_before = time.process_time()
    profile = parse_header(header)
    assert isinstance(profile, TimingProfile)
    # One stream lasts about ttft + output/tps: spread the lanes' starts over it.
    tps = profile.tokens_per_second
    period = profile.ttft_ms / 1000 + (TIMING_MAX_TOKENS / tps if tps else 0)
    results, wall = await _level(server.port, key, header, concurrency, seconds, period if concurrency > 1 else 0)
    cpu = cpu_seconds(pids) - cpu_before
    client = time.process_time() - client_before
    row = _stats(results, profile)
    row.update(
        wall_s=round(wall, 2),
        server_cpu_s=round(cpu, 3),
        server_cores=round(cpu / wall, 3),
        server_cpu_us_per_stream=cpu / max(1, len(results)) * 1e6,
        client_cores=round(client / wall, 3),
    )
    return row


async def _wait_probe(server: Server, key: str) -> dict[str, Any]:
    """512 streams waiting 3 s for their first token: server CPU in the middle of the wait."""
    host = f"127.0.0.1:{server.port}"
    pids = server.pids()
    results: list[StreamResult] = []
    opened = await asyncio.gather(
        *(asyncio.open_connection("127.0.0.1", server.port, limit=1 << 20) for _ in range(WAIT_PROBE_STREAMS))
    )
    tasks = [
        asyncio.ensure_future(_collect(reader, writer, _request_bytes(host, key, WAIT_PROBE, f"wait-{i}"), results))
        for i, (reader, writer) in enumerate(opened)
    ]
    await asyncio.sleep(1.0)  # every request written and accepted
    before, wall = cpu_seconds(pids), time.perf_counter()
    await asyncio.sleep(1.5)
    cpu, wall = cpu_seconds(pids) - before, time.perf_counter() - wall
    await asyncio.gather(*tasks)
    return {
        "streams": WAIT_PROBE_STREAMS,
        "profile": WAIT_PROBE,
        "window_s": round(wall, 2),
        "server_cores_while_waiting": round(cpu / wall, 4),
        "completed": sum(1 for r in results if r.error is None),
    }


async def _collect(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes, results: list[StreamResult]
) -> None:
    try:
        results.append(await asyncio.wait_for(_one_stream(reader, writer, request), STREAM_TIMEOUT))
    except (OSError, asyncio.IncompleteReadError, ValueError, TimeoutError) as exc:
        failed = StreamResult(time.perf_counter())
        failed.error = repr(exc)
        results.append(failed)
    finally:
        writer.close()


async def _probe_applies(server: Server, key: str) -> bool:
    """Does this server pace by the header at all? (The twin before its provider integration does not.)"""
    results, _ = await _level(server.port, key, "ttft_ms=300", 1, 0)
    good = [r for r in results if r.error is None and r.first is not None]
    return bool(good) and (good[0].first - good[0].sent) >= 0.25  # type: ignore[operator]


def timing(args: argparse.Namespace) -> int:
    profile = parse_header(args.profile)
    if not isinstance(profile, TimingProfile):
        raise SystemExit("--profile must be a profile, not 'off'")
    levels = [int(c) for c in args.concurrency.split(",")]
    variants = parse_variants(args.timing_variants)
    rows: list[dict[str, Any]] = []
    probes: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="twin-bench-") as tmp:
        cluster = Cluster(variants, Path(tmp), args.postgres)
        servers: list[Server] = []
        try:
            with running(servers):
                start_cluster(cluster, servers)
                for variant in variants:
                    server, key = cluster.servers[variant.name], cluster.keys[variant.name]
                    if not uvloop.run(_probe_applies(server, key)):
                        print(f"  {variant.name}: does not pace by {args.profile!r} yet: not measured", flush=True)
                        probes[variant.name] = {"paces": False}
                        continue
                    for concurrency in levels:
                        row = uvloop.run(_measure_level(server, key, args.profile, concurrency, args.timing_seconds))
                        row.update(server=variant.name, concurrency=concurrency, profile=profile.to_builtins())
                        rows.append(row)
                        print(_line(row), flush=True)
                    probe = uvloop.run(_wait_probe(server, key))
                    probes[variant.name] = {"paces": True, **probe}
                    print(
                        f"  {variant.name:10} wait probe: {probe['streams']} streams waiting, server uses "
                        f"{probe['server_cores_while_waiting']:.3f} cores",
                        flush=True,
                    )
        finally:
            close_cluster(cluster)
    table = format_timing(rows, profile, probes)
    print()
    print(table)
    out = stamp()
    report = {
        "benchmark": "timing",
        "method": __doc__,
        "config": {
            "profile": profile.to_builtins(),
            "header": args.profile,
            "concurrency": levels,
            "seconds": args.timing_seconds,
        },
        "machine": describe_machine(PACKAGES),
        "keys": cluster.minted,
        "results": rows,
        "wait_probe": probes,
        "table": table,
    }
    written = write_report("timing", out, report)
    if rows:
        written.append(plots.timing_plot(rows, RESULTS, out))
    print("\n" + "\n".join(f"wrote {path}" for path in written))
    return 0


def _line(row: dict[str, Any]) -> str:
    if not row["streams"]:
        return f"  {row['server']:10} c={row['concurrency']:<4} no complete stream ({row['error_examples']})"
    return (
        f"  {row['server']:10} c={row['concurrency']:<4} {row['streams']:>5} streams  TTFT mean {row['ttft_mean_ms']:7.1f} ms "
        f"(p99 {row['ttft_p99_ms']:7.1f})  tokens/s {row.get('tps_mean', 0):6.2f}  err {row['errors']}  "
        f"server {row['server_cores']:.3f} cores"
    )


def format_timing(rows: list[dict[str, Any]], profile: TimingProfile, probes: dict[str, Any]) -> str:
    lines = [
        f"profile: ttft_ms={profile.ttft_ms:g} tokens_per_second={profile.tokens_per_second} jitter_ms={profile.jitter_ms:g}",
        "",
        "| server | streams at once | streams | TTFT mean ms | Δ ms (± jitter s.e.) | TTFT p99 ms | tokens/s mean | Δ % | errors | server cores | CPU µs/stream |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        if not r["streams"]:
            lines.append(f"| {r['server']} | {r['concurrency']} | 0 | - | - | - | - | - | {r['errors']} | - | - |")
            continue
        lines.append(
            f"| {r['server']} | {r['concurrency']} | {r['streams']} | {r['ttft_mean_ms']:.1f} | {r['ttft_error_ms']:+.1f} (±{r['ttft_jitter_se_ms']:.1f}) | "
            f"{r['ttft_p99_ms']:.1f} | {r.get('tps_mean', 0):.2f} | {r.get('tps_error_pct', 0):+.1f} | {r['errors']} | "
            f"{r['server_cores']:.3f} | {r['server_cpu_us_per_stream']:.0f} |"
        )
    lines.append("")
    for name, probe in probes.items():
        if probe.get("paces"):
            lines.append(
                f"wait probe {name}: {probe['streams']} streams waiting ({probe['profile']}): "
                f"server {probe['server_cores_while_waiting']:.4f} cores"
            )
        else:
            lines.append(f"{name}: the x-twin-timing header is not applied by this server yet; not measured")
    return "\n".join(lines)
