"""Run wrk (the load generator) with benchmarks/wrk/post.lua and read its one-line JSON summary.

wrk is a C program: `apt-get install -y wrk` on Debian/Ubuntu (`ensure_wrk()` does it when it
can, i.e. as root with apt-get; otherwise it says what to install).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).parent / "wrk" / "post.lua"


class WrkMissing(RuntimeError):
    pass


def ensure_wrk(install: bool = True) -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if install and shutil.which("apt-get") and os.geteuid() == 0:
        print("wrk not found: installing it with apt-get (Debian package 'wrk')", flush=True)
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, check=False, capture_output=True)
        found = shutil.which("wrk")
        if not found:
            subprocess.run(["apt-get", "update", "-qq"], env=env, check=False, capture_output=True)
            subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], env=env, check=False, capture_output=True)
            found = shutil.which("wrk")
        if found:
            return found
    raise WrkMissing(
        "the benchmarks need wrk: install it (Debian/Ubuntu: apt-get install -y wrk; macOS: brew install wrk)"
    )


def wrk_version(wrk: str) -> str:
    result = subprocess.run([wrk, "-v"], capture_output=True, text=True, check=False)
    return (result.stdout + result.stderr).splitlines()[0].strip() if (result.stdout + result.stderr) else "?"


def run_wrk(
    wrk: str,
    base_url: str,
    bodies: Sequence[tuple[str, Path]],
    *,
    key: str,
    connections: int,
    seconds: float,
    threads: int = 1,
    accept: str = "application/json",
    extra_header: str | None = None,
    timeout_s: float = 5.0,
) -> dict[str, Any]:
    """One wrk run; returns its summary with req/s and total errors added."""
    env = {
        **os.environ,
        "BENCH_KEY": key,
        "BENCH_BODIES": ";".join(f"{path}|{file}" for path, file in bodies),
        "BENCH_ACCEPT": accept,
        "BENCH_HEADER": extra_header or "",
    }
    argv = [
        wrk,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        f"--timeout={timeout_s:g}s",
        "-s",
        str(SCRIPT),
        base_url,
    ]
    result = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=seconds + 60, check=False)
    for line in result.stdout.splitlines():
        if line.startswith("BENCHJSON "):
            summary: dict[str, Any] = json.loads(line[len("BENCHJSON ") :])
            break
    else:
        raise RuntimeError(f"wrk gave no summary (exit {result.returncode}):\n{result.stdout}\n{result.stderr}")
    duration = summary["duration_s"] or seconds
    summary["rps"] = summary["requests"] / duration
    summary["errors"] = sum(
        summary[name] for name in ("err_connect", "err_read", "err_write", "err_status", "err_timeout")
    )
    summary["p50_ms"] = summary["percentiles_ms"]["50"]
    summary["p99_ms"] = summary["percentiles_ms"]["99"]
    return summary
