"""The benchmark harness's own plumbing (no load, no timings asserted): the reference app's bytes,
the summary maths, and servers stopped as whole process groups."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from benchmarks.bodies import WORKLOADS, builtin_answers, split_frames
from benchmarks.load import summarize
from benchmarks.procs import PortBusy, assert_port_free, children_of, cpu_seconds, rss_bytes, start_server
from benchmarks.refapp import ReferenceApp
from benchmarks.variants import ROOT


async def _call(app: ReferenceApp, path: str, body: bytes, headers: list[tuple[bytes, bytes]]) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []
    scope = {"type": "http", "method": "POST", "path": path, "headers": headers}

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Any) -> None:
        sent.append(message)

    await app(scope, receive, send)
    return sent


KEY = [(b"x-api-key", b"k")]


async def test_reference_serves_the_fixed_bytes() -> None:
    answers = builtin_answers()
    app = ReferenceApp(answers)
    path, body, _ = WORKLOADS["messages"]
    sent = await _call(app, path, body, KEY)
    assert sent[0]["status"] == 200
    assert sent[1]["body"] == answers.message
    path, body, _ = WORKLOADS["count_tokens"]
    assert (await _call(app, path, body, KEY))[1]["body"] == answers.count
    path, body, _ = WORKLOADS["stream"]
    sent = await _call(app, path, body, KEY)
    assert len(sent) == 3  # start, message_start alone, the rest in one send
    assert sent[1]["body"].startswith(b"event: message_start")
    assert sent[1]["body"] + sent[2]["body"] == answers.stream
    assert 18 <= len(split_frames(answers.stream)) <= 24
    assert 500 <= len(answers.message) <= 700


async def test_reference_paces_with_the_same_bytes_and_rejects_bad_headers() -> None:
    answers = builtin_answers()
    app = ReferenceApp(answers)
    path, body, _ = WORKLOADS["stream"]
    sent = await _call(app, path, body, [*KEY, (b"x-twin-timing", b"ttft_ms=0,tps=1000000")])
    assert b"".join(m.get("body", b"") for m in sent[1:]) == answers.stream
    assert sent[-1]["more_body"] is False
    bad = await _call(app, path, body, [*KEY, (b"x-twin-timing", b"ttft_ms=soon")])
    assert bad[0]["status"] == 400
    assert b"invalid_request_error" in bad[1]["body"]
    assert (await _call(app, path, body, []))[0]["status"] == 401


def test_summary_medians_and_ratio() -> None:
    def run(variant: str, round_: int, rps: float) -> dict[str, Any]:
        pct = {"50": 1.0, "99": 2.0}
        return {"variant": variant, "round": round_, "workload": "messages", "connections": 64, "rps": rps,
                "p50_ms": 1.0, "p99_ms": 2.0, "errors": 0, "requests": int(rps), "cpu_us_per_req": 50.0,
                "pg_cpu_us_per_req": None, "percentiles_ms": pct}  # fmt: skip

    runs = [run("raw", 0, 100), run("raw", 1, 200), run("sqlite-w1", 0, 50), run("sqlite-w1", 1, 120)]
    rows = {row["variant"]: row for row in summarize(runs)}
    assert rows["raw"]["ratio_to_raw"] == 1.0
    assert rows["sqlite-w1"]["rps"] == 85
    assert abs(rows["sqlite-w1"]["ratio_to_raw"] - (0.5 + 0.6) / 2) < 1e-9


def test_proc_accounting_reads_this_process() -> None:
    assert os.getpid() in children_of([os.getpid()])
    assert cpu_seconds([os.getpid()]) > 0
    assert rss_bytes([os.getpid()]) > 1024 * 1024


def test_reference_server_starts_and_stops_as_a_group(tmp_path: Path) -> None:
    from benchmarks.procs import free_port

    port = free_port()
    server = start_server(
        "raw", [sys.executable, "-m", "benchmarks.refapp", "--port", str(port)], port=port, env={},
        log_dir=tmp_path, workers=1, cwd=ROOT,
    )  # fmt: skip
    try:
        pids = server.pids()
        assert len(pids) >= 2  # Granian's main process and its worker
        with pytest.raises(PortBusy):
            assert_port_free(port)
        answer = httpx.post(
            f"{server.base_url}/v1/messages", content=WORKLOADS["messages"][1], headers={"x-api-key": "k"}
        )
        assert answer.status_code == 200
    finally:
        server.stop()
    assert all(not Path(f"/proc/{pid}").exists() or _zombie(pid) for pid in pids)
    assert_port_free(port)


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True
