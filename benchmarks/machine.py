"""What a benchmark ran on: CPU, cores, memory, kernel, Python and package versions, git commit."""

from __future__ import annotations

import json
import os
import platform
import sqlite3
import subprocess
import time
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

import asyncpg


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def _git_commit() -> str | None:
    try:
        result = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
            cwd=Path(__file__).parent,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return result.stdout.strip()


def describe_machine(packages: Iterable[str] = ()) -> dict[str, Any]:
    versions: dict[str, str | None] = {}
    for name in packages:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "date": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "cpu": _cpu_model(),
        "cores": os.cpu_count(),
        "memory_gib": _memory_gib(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "packages": versions,
        "git_commit": _git_commit(),
        "load_average": os.getloadavg(),
    }


async def postgres_server_version(dsn: str) -> str | None:
    """`SHOW server_version` of the server at `dsn`, or None when it does not answer."""
    try:
        connection = await asyncpg.connect(dsn, timeout=3)
    except Exception:
        return None
    try:
        return str(await connection.fetchval("SHOW server_version"))
    finally:
        await connection.close()


RESULTS = Path(__file__).parent / "results"


def save_result(kind: str, report: dict[str, Any], out_stamp: str | None = None) -> Path:
    """Write a benchmark's report as `benchmarks/results/<kind>-<stamp>.json` (stamp: now)."""
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{kind}-{out_stamp or time.strftime('%Y%m%d-%H%M%S')}.json"
    path.write_text(json.dumps(report, indent=2, default=str))
    return path
