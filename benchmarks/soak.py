"""Long run: resident memory of the server over 5 minutes at 256 connections.

    .venv/bin/python -m benchmarks.load soak [--soak-seconds 300] [--connections 256]
        [--soak-variants sqlite-w1] [--sample-seconds 5]

wrk drives a mixed workload (non-streamed messages, streamed messages, count_tokens, in turn on
every connection) for --soak-seconds while the RSS of every process of the server (Granian main
process and workers) is sampled every --sample-seconds from /proc. Reported: RSS after the
first minute (or after a fifth of a shorter run) against RSS at the end, and the growth between
them; a table, JSON and a plot under benchmarks/results/.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from . import plots
from .bodies import WORKLOADS
from .load import PACKAGES, Cluster, _body_files, close_cluster, stamp, start_cluster, write_report
from .machine import RESULTS, describe_machine
from .procs import Server, cpu_seconds, rss_bytes, running
from .variants import parse_variants, preflight
from .wrkrun import ensure_wrk, run_wrk

MIB = 1024 * 1024


def _sample(server: Server, period: float, stop: threading.Event, out: list[tuple[float, float, float]]) -> None:
    started = time.monotonic()
    while not stop.is_set():
        pids = server.pids()
        out.append((time.monotonic() - started, rss_bytes(pids) / MIB, cpu_seconds(pids)))
        stop.wait(period)


def soak(args: argparse.Namespace) -> int:
    wrk = ensure_wrk()
    variants = parse_variants(args.soak_variants)
    connections = int(args.connections.split(",")[0])
    seconds = args.soak_seconds
    baseline_at = min(60.0, seconds / 5)
    rows: list[dict[str, Any]] = []
    series: dict[str, list[tuple[float, float]]] = {}
    with tempfile.TemporaryDirectory(prefix="twin-bench-") as tmp:
        cluster = Cluster(variants, Path(tmp), args.postgres)
        servers: list[Server] = []
        try:
            with running(servers):
                start_cluster(cluster, servers)
                files = _body_files(Path(tmp))
                for variant in variants:
                    server, key = cluster.servers[variant.name], cluster.keys[variant.name]
                    usable = [
                        (WORKLOADS[w][0], files[w])
                        for w in WORKLOADS
                        if preflight(server, key, WORKLOADS[w][0], WORKLOADS[w][1], WORKLOADS[w][2])["ok"]
                    ]
                    if not usable:
                        print(f"  {variant.name}: answers none of the workloads yet: not measured", flush=True)
                        continue
                    print(f"soak {variant.name}: {connections} connections for {seconds:g}s", flush=True)
                    samples: list[tuple[float, float, float]] = []
                    stop = threading.Event()
                    sampler = threading.Thread(target=_sample, args=(server, args.sample_seconds, stop, samples))
                    sampler.start()
                    try:
                        result = run_wrk(wrk, server.base_url, usable, key=key, connections=connections,
                                         seconds=seconds, accept="*/*")  # fmt: skip
                    finally:
                        stop.set()
                        sampler.join()
                    rows.append(_row(variant.name, result, samples, baseline_at, len(usable)))
                    series[variant.name] = [(t, rss) for t, rss, _ in samples]
                    print(_line(rows[-1]), flush=True)
        finally:
            close_cluster(cluster)
    table = format_soak(rows, baseline_at)
    print()
    print(table)
    out = stamp()
    report = {
        "benchmark": "soak",
        "method": __doc__,
        "config": {"seconds": seconds, "connections": connections, "sample_s": args.sample_seconds},
        "machine": describe_machine(PACKAGES),
        "keys": cluster.minted,
        "results": rows,
        "table": table,
    }
    written = write_report("soak", out, report)
    if series:
        written.append(plots.soak_plot(series, RESULTS, out, baseline_at))
    print("\n" + "\n".join(f"wrote {path}" for path in written))
    return 0


def _row(
    name: str, result: dict[str, Any], samples: list[tuple[float, float, float]], baseline_at: float, workloads: int
) -> dict[str, Any]:
    after = [rss for t, rss, _ in samples if t >= baseline_at]
    baseline = after[0] if after else samples[-1][1]
    end = statistics.median(rss for _, rss, _ in samples[-3:])
    return {
        "server": name,
        "workloads": workloads,
        "requests": result["requests"],
        "rps": result["rps"],
        "p50_ms": result["p50_ms"],
        "p99_ms": result["p99_ms"],
        "errors": result["errors"],
        "rss_start_mib": samples[0][1],
        "rss_baseline_mib": baseline,
        "rss_end_mib": end,
        "rss_max_mib": max(rss for _, rss, _ in samples),
        "growth_pct": (end / baseline - 1) * 100 if baseline else None,
        "cpu_us_per_req": (samples[-1][2] - samples[0][2]) / max(1, result["requests"]) * 1e6,
        "samples": [{"t": round(t, 1), "rss_mib": round(rss, 2)} for t, rss, _ in samples],
    }


def _line(row: dict[str, Any]) -> str:
    return (
        f"  {row['server']:10} {row['rps']:,.0f} req/s  errors {row['errors']}  RSS {row['rss_start_mib']:.1f} -> "
        f"{row['rss_baseline_mib']:.1f} (baseline) -> {row['rss_end_mib']:.1f} MiB ({row['growth_pct']:+.1f}%)"
    )


def format_soak(rows: list[dict[str, Any]], baseline_at: float) -> str:
    lines = [
        f"| server | req/s | p99 ms | errors | RSS at start MiB | RSS at {baseline_at:g} s MiB | RSS at end MiB | growth | max MiB |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        lines.append(
            f"| {r['server']} | {r['rps']:,.0f} | {r['p99_ms']:.1f} | {r['errors']} | {r['rss_start_mib']:.1f} | "
            f"{r['rss_baseline_mib']:.1f} | {r['rss_end_mib']:.1f} | {r['growth_pct']:+.1f}% | {r['rss_max_mib']:.1f} |"
        )
    return "\n".join(lines)
