"""The twin under load, next to a raw ASGI reference serving the same bytes on the same Granian.

    .venv/bin/python -m benchmarks.load [throughput] [--quick] [--rounds 3] [--seconds 8] ...
    .venv/bin/python -m benchmarks.load timing [--quick] [--concurrency 1,64,512] ...
    .venv/bin/python -m benchmarks.load soak [--soak-seconds 300] [--connections 256] ...

Throughput mode (the default) starts, all at once on loopback, the raw reference app
(benchmarks/refapp.py, 1 worker) and the twin on SQLite with 1 and 2 workers and on PostgreSQL
with 1 and 2 workers (fresh store each; PostgreSQL from --postgres, skipped if it does not
answer). It mints a key per twin, asks the twin for its answers to the benchmark's requests and
hands those bytes to the reference app, checks every (server, workload) by hand once, then drives
each with wrk: non-streamed messages, streamed messages and count_tokens, at 64 and 256
connections, in ROUNDS interleaved rounds (each round visits the servers in a fresh shuffled
order, a short warm-up before each server's cells). Per cell: req/s, p50/p99 latency, errors
(non-2xx + socket errors + timeouts), server CPU per request (user+system CPU of the server's
whole process group from /proc, all workers and threads, over the measured run) and the ratio to
the reference in the same round. Reported: medians over rounds, as a table, as JSON (machine,
versions, date, git commit) and as PNG plots under benchmarks/results/.

wrk runs on the same machine as the servers (1 thread): on a small box it takes a share of the
CPU, so absolute numbers are for that box; the ratios to the reference are the point.
Servers are process groups, stopped (SIGINT, then SIGKILL) whatever happens; ports are checked
free before use (Granian binds with SO_REUSEPORT: a stale server would silently share the load).
"""

from __future__ import annotations

import argparse
import random
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from . import plots
from .bodies import WORKLOADS, ReferenceAnswers, builtin_answers
from .machine import RESULTS, describe_machine, save_result
from .procs import Server, cpu_seconds, pids_named, running
from .variants import (
    DEFAULT_POSTGRES,
    REFERENCE,
    Variant,
    mint_key,
    parse_variants,
    postgres_version,
    preflight,
    start_reference,
    start_twin,
    store_for,
)
from .wrkrun import ensure_wrk, run_wrk, wrk_version

PACKAGES = ("granian", "litestar", "msgspec", "uvloop", "aiosqlite", "asyncpg", "anthropic-twin")
ACCEPT = {"messages": "application/json", "stream": "text/event-stream", "count_tokens": "application/json"}


def stamp() -> str:
    return time.strftime("%Y%m%d-%H%M%S")


def _interrupt_on_sigterm() -> None:
    def handler(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, handler)


class Cluster:
    """The servers of one benchmark run (reference + twins), their keys and scratch space."""

    def __init__(self, variants: list[Variant], scratch: Path, postgres_dsn: str) -> None:
        self.variants = variants
        self.scratch = scratch
        self.postgres_dsn = postgres_dsn
        self.servers: dict[str, Server] = {}
        self.keys: dict[str, str] = {}
        self.minted: dict[str, str] = {}
        self.stores: list[Any] = []


def start_cluster(cluster: Cluster, servers: list[Server], answers_from_twin: bool = True) -> ReferenceAnswers:
    """Start the twins first (to learn their answers), then the reference with those bytes."""
    import contextlib

    stack = contextlib.ExitStack()
    cluster.stores.append(stack)
    answers: ReferenceAnswers | None = None
    for variant in cluster.variants:
        if variant.kind == "raw":
            continue
        store_url = stack.enter_context(store_for(variant, cluster.scratch, cluster.postgres_dsn))
        print(f"starting {variant.name} ({variant.workers} worker(s), {variant.kind})", flush=True)
        server = start_twin(variant, store_url, cluster.scratch)
        servers.append(server)
        cluster.servers[variant.name] = server
        key, how = mint_key(server, store_url)
        cluster.keys[variant.name] = key
        cluster.minted[variant.name] = how
        if answers is None and answers_from_twin:
            answers = _answers_of(server, key, variant.name)
    if answers is None:
        answers = builtin_answers()
    answers_dir = cluster.scratch / "reference-answers"
    answers_dir.mkdir(exist_ok=True)
    answers.save(answers_dir)
    if any(variant.kind == "raw" for variant in cluster.variants):
        print(f"starting {REFERENCE} (raw ASGI reference, answers: {answers.source})", flush=True)
        reference = start_reference(cluster.scratch, answers_dir)
        servers.append(reference)
        cluster.servers[REFERENCE] = reference
        cluster.keys[REFERENCE] = "sk-ant-reference"
        cluster.minted[REFERENCE] = "any key"
    return answers


def _answers_of(server: Server, key: str, name: str) -> ReferenceAnswers | None:
    got = {}
    for workload, (path, body, stream) in WORKLOADS.items():
        check = preflight(server, key, path, body, stream)
        if not check["ok"]:
            return None
        got[workload] = check["body"]
    return ReferenceAnswers(got["messages"], got["stream"], got["count_tokens"], f"twin {name}")


def close_cluster(cluster: Cluster) -> None:
    for stack in reversed(cluster.stores):
        stack.close()


# --------------------------------------------------------------------------- throughput mode
def throughput(args: argparse.Namespace) -> int:
    wrk = ensure_wrk()
    variants = parse_variants(args.variants)
    pg_version = None
    if any(v.kind == "postgres" for v in variants):
        pg_version = postgres_version(args.postgres)
        if pg_version is None:
            print(f"note: no PostgreSQL answers at {args.postgres}; skipping the PostgreSQL variants", flush=True)
            variants = [v for v in variants if v.kind != "postgres"]
    if not any(v.kind == "raw" for v in variants):
        variants.insert(0, parse_variants(REFERENCE)[0])
    workloads = [w.strip() for w in args.workloads.split(",") if w.strip()]
    connections = [int(c) for c in args.connections.split(",")]
    cells = len(variants) * len(workloads) * len(connections)
    estimate = args.rounds * (cells * (args.seconds + 0.5) + len(variants) * len(workloads) * args.warmup)
    print(
        f"throughput: {len(variants)} servers x {len(workloads)} workloads x {len(connections)} connection counts, "
        f"{args.rounds} round(s) of {args.seconds:g}s runs: about {estimate / 60:.1f} min of load",
        flush=True,
    )
    runs: list[dict[str, Any]] = []
    checks: dict[str, dict[str, Any]] = {}
    started = time.time()
    with tempfile.TemporaryDirectory(prefix="twin-bench-") as tmp:
        cluster = Cluster(variants, Path(tmp), args.postgres)
        servers: list[Server] = []
        try:
            with running(servers):
                answers = start_cluster(cluster, servers)
                body_files = _body_files(Path(tmp))
                for variant in variants:
                    server = cluster.servers[variant.name]
                    for workload in workloads:
                        path, body, stream = WORKLOADS[workload]
                        check = preflight(server, cluster.keys[variant.name], path, body, stream)
                        check.pop("body", None)
                        checks[f"{variant.name}/{workload}"] = check
                        if not check["ok"]:
                            print(f"  {variant.name} {workload}: NOT MEASURED ({check['problem']})", flush=True)
                rng = random.Random(args.seed)
                for round_index in range(args.rounds):
                    order = list(variants)
                    rng.shuffle(order)
                    print(f"round {round_index + 1}/{args.rounds}: {', '.join(v.name for v in order)}", flush=True)
                    for variant in order:
                        server = cluster.servers[variant.name]
                        for workload in workloads:
                            if not checks[f"{variant.name}/{workload}"]["ok"]:
                                continue
                            path = WORKLOADS[workload][0]
                            bodies = [(path, body_files[workload])]
                            key = cluster.keys[variant.name]
                            if args.warmup > 0:
                                run_wrk(wrk, server.base_url, bodies, key=key, connections=connections[0],
                                        seconds=args.warmup, accept=ACCEPT[workload])  # fmt: skip
                            for conns in connections:
                                row = _measure(wrk, server, bodies, key, conns, args.seconds, ACCEPT[workload])
                                row.update(
                                    round=round_index, variant=variant.name, workload=workload, connections=conns
                                )
                                runs.append(row)
                                print(
                                    f"  {variant.name:10} {workload:12} c={conns:<4} {row['rps']:>9,.0f} req/s  "
                                    f"p50 {row['p50_ms']:6.1f}  p99 {row['p99_ms']:6.1f} ms  err {row['errors']}  "
                                    f"{row['cpu_us_per_req']:5.0f} µs/req",
                                    flush=True,
                                )
        finally:
            close_cluster(cluster)
    summary = summarize(runs)
    table = format_table(summary)
    print()
    print(table)
    out_stamp = stamp()
    report = {
        "benchmark": "load",
        "method": __doc__,
        "config": {
            "rounds": args.rounds,
            "seconds": args.seconds,
            "warmup_s": args.warmup,
            "connections": connections,
            "workloads": workloads,
            "variants": [v.name for v in variants],
            "wrk_threads": 1,
            "request_bytes": {w: len(WORKLOADS[w][1]) for w in workloads},
        },
        "machine": {**describe_machine(PACKAGES), "postgres_server": pg_version, "wrk": wrk_version(wrk)},
        "reference_answers": {
            "source": answers.source,
            "message_bytes": len(answers.message),
            "stream_bytes": len(answers.stream),
            "stream_events": answers.stream.count(b"\n\n"),
            "count_bytes": len(answers.count),
        },
        "keys": cluster.minted,
        "preflight": checks,
        "elapsed_s": round(time.time() - started, 1),
        "summary": summary,
        "runs": runs,
        "table": table,
    }
    written = write_report("load", out_stamp, report)
    for png in plots.load_plots(summary, RESULTS, out_stamp):
        written.append(png)
    print("\n" + "\n".join(f"wrote {path}" for path in written))
    return 0


def _body_files(directory: Path) -> dict[str, Path]:
    files = {}
    for workload, (_, body, _stream) in WORKLOADS.items():
        path = directory / f"body-{workload}.json"
        path.write_bytes(body)
        files[workload] = path
    return files


def _measure(
    wrk: str, server: Server, bodies: list[tuple[str, Path]], key: str, conns: int, seconds: float, accept: str
) -> dict[str, Any]:
    pids = server.pids()
    pg_pids = pids_named("postgres") if server.info.get("kind") == "postgres" else []
    cpu_before = cpu_seconds(pids)
    pg_before = cpu_seconds(pg_pids)
    wall = time.monotonic()
    result = run_wrk(wrk, server.base_url, bodies, key=key, connections=conns, seconds=seconds, accept=accept)
    wall = time.monotonic() - wall
    cpu = cpu_seconds(pids) - cpu_before
    pg_cpu = cpu_seconds(pg_pids) - pg_before
    requests = max(1, result["requests"])
    result["server_cpu_s"] = round(cpu, 3)
    result["server_cores"] = round(cpu / wall, 3)
    result["cpu_us_per_req"] = cpu / requests * 1e6
    result["pg_cpu_us_per_req"] = pg_cpu / requests * 1e6 if pg_pids else None
    return result


def summarize(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Medians over rounds per (variant, workload, connections), with the ratio to the reference."""
    reference: dict[tuple[int, str, int], float] = {
        (r["round"], r["workload"], r["connections"]): r["rps"] for r in runs if r["variant"] == REFERENCE
    }
    groups: dict[tuple[str, str, int], list[dict[str, Any]]] = {}
    for row in runs:
        groups.setdefault((row["variant"], row["workload"], row["connections"]), []).append(row)
    summary = []
    for (variant, workload, conns), rows in groups.items():
        ratios = [
            r["rps"] / reference[(r["round"], workload, conns)]
            for r in rows
            if reference.get((r["round"], workload, conns))
        ]
        pg = [r["pg_cpu_us_per_req"] for r in rows if r.get("pg_cpu_us_per_req") is not None]
        summary.append(
            {
                "variant": variant,
                "workload": workload,
                "connections": conns,
                "rounds": len(rows),
                "rps": statistics.median(r["rps"] for r in rows),
                "ratio_to_raw": statistics.median(ratios) if ratios else None,
                "p50_ms": statistics.median(r["p50_ms"] for r in rows),
                "p99_ms": statistics.median(r["p99_ms"] for r in rows),
                "errors": sum(r["errors"] for r in rows),
                "requests": sum(r["requests"] for r in rows),
                "cpu_us_per_req": statistics.median(r["cpu_us_per_req"] for r in rows),
                "pg_cpu_us_per_req": statistics.median(pg) if pg else None,
                "percentiles_ms": {
                    p: statistics.median(r["percentiles_ms"][p] for r in rows) for p in rows[0]["percentiles_ms"]
                },
            }
        )
    order = {name: i for i, name in enumerate(["raw", "sqlite-w1", "sqlite-w2", "pg-w1", "pg-w2"])}
    workloads = {name: i for i, name in enumerate(WORKLOADS)}
    summary.sort(key=lambda s: (workloads.get(s["workload"], 9), s["connections"], order.get(s["variant"], 9)))
    return summary


def format_table(summary: list[dict[str, Any]]) -> str:
    lines = [
        "| workload | conns | server | req/s | x raw | p50 ms | p99 ms | errors | CPU µs/req | PG µs/req* |",
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in summary:
        ratio = f"{s['ratio_to_raw']:.2f}" if s["ratio_to_raw"] is not None else "-"
        pg = f"{s['pg_cpu_us_per_req']:.0f}" if s["pg_cpu_us_per_req"] is not None else ""
        lines.append(
            f"| {s['workload']} | {s['connections']} | {s['variant']} | {s['rps']:,.0f} | {ratio} | "
            f"{s['p50_ms']:.1f} | {s['p99_ms']:.1f} | {s['errors']} | {s['cpu_us_per_req']:.0f} | {pg} |"
        )
    lines.append("")
    lines.append("medians over rounds; x raw = median of the per-round ratio to the reference in the same cell;")
    lines.append(
        "* CPU of every `postgres` process on the machine during the run (shared server: includes other clients)"
    )
    return "\n".join(lines)


def write_report(kind: str, out_stamp: str, report: dict[str, Any]) -> list[Path]:
    return [save_result(kind, report, out_stamp)]


# --------------------------------------------------------------------------- command line
def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.load", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("mode", nargs="?", default="throughput", choices=["throughput", "timing", "soak"])
    parser.add_argument("--quick", action="store_true", help="short run: 1 round, 3 s cells (numbers are rough)")
    parser.add_argument("--variants", default="raw,sqlite-w1,sqlite-w2,pg-w1,pg-w2")
    parser.add_argument("--workloads", default="messages,stream,count_tokens")
    parser.add_argument("--connections", default=None, help="throughput: 64,256; soak: 256")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=8.0, help="measured seconds per cell")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up seconds per server and workload")
    parser.add_argument("--seed", type=int, default=1, help="shuffle seed of the interleaving")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="PostgreSQL DSN (a fresh schema per twin)")
    # timing mode
    parser.add_argument("--concurrency", default="1,64,512", help="timing: concurrent paced streams")
    parser.add_argument("--profile", default="ttft_ms=500,tps=50,jitter_ms=20", help="timing: x-twin-timing value")
    parser.add_argument("--timing-variants", default="raw,sqlite-w1", help="timing: servers to measure")
    parser.add_argument("--timing-seconds", type=float, default=10.0, help="timing: seconds per concurrency level")
    # soak mode
    parser.add_argument("--soak-seconds", type=float, default=300.0)
    parser.add_argument("--soak-variants", default="raw,sqlite-w1", help="soak: servers to run (one after another)")
    parser.add_argument("--sample-seconds", type=float, default=5.0, help="soak: RSS sampling period")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    _interrupt_on_sigterm()
    if args.quick:
        args.rounds, args.seconds, args.warmup = 1, 3.0, 1.0
        args.timing_seconds = min(args.timing_seconds, 5.0)
    try:
        if args.mode == "throughput":
            args.connections = args.connections or "64,256"
            return throughput(args)
        if args.mode == "timing":
            from .timing import timing

            return timing(args)
        from .soak import soak

        args.connections = args.connections or "256"
        return soak(args)
    except KeyboardInterrupt:
        print("interrupted: servers stopped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
