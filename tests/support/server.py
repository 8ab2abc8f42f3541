"""Run the real twin (`twin serve`, Granian) in a subprocess for HTTP-level tests.

Tests talk to it over loopback with the official SDK or httpx. A server is shared by many
tests; each test isolates itself by creating its own tenant (see `Tenant`).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class TwinServer:
    base_url: str
    store_url: str
    admin_token: str
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


@contextmanager
def run_twin(
    store_url: str,
    log_dir: Path,
    *,
    workers: int = 1,
    admin_token: str = "",
    hosted: bool = False,
    extra_env: dict[str, str] | None = None,
    startup_timeout: float = 60.0,
) -> Iterator[TwinServer]:
    port = free_port()
    log_path = log_dir / f"twin-{port}.log"
    env = {
        **os.environ,
        "TWIN_HOST": "127.0.0.1",
        "TWIN_PORT": str(port),
        "TWIN_WORKERS": str(workers),
        "TWIN_STORE": store_url,
        "TWIN_ADMIN_TOKEN": admin_token,
        "TWIN_HOSTED": "1" if hosted else "0",
        **(extra_env or {}),
    }
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "twin", "serve"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stop() signals Granian and every worker
        )
    server = TwinServer(f"http://127.0.0.1:{port}", store_url, admin_token, process, log_path)
    try:
        _wait_healthy(server, workers, startup_timeout)
        yield server
    finally:
        stop(process)


def _wait_healthy(server: TwinServer, workers: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"twin exited with {server.process.returncode}:\n{server.log()}")
        try:
            healthy = httpx.get(server.base_url + "/_twin/health", timeout=1).status_code == 200
            # With several workers, wait until every one has started (the log says so).
            if healthy and (workers == 1 or server.log().count("Started worker") >= workers):
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"twin did not become healthy in {timeout}s:\n{server.log()}")


def stop(process: subprocess.Popen[bytes]) -> None:
    """Stop the server and all its workers: SIGINT to the whole process group, then SIGKILL to
    whatever is left of the group (no orphan workers, even if the main process died first)."""
    group = process.pid  # start_new_session=True: the server leads its own group
    if process.poll() is None:
        _signal_group(group, signal.SIGINT)
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            _signal_group(group, signal.SIGKILL)
            process.wait(10)
    deadline = time.monotonic() + 10
    while _group_alive(group) and time.monotonic() < deadline:
        time.sleep(0.1)
    if _group_alive(group):
        _signal_group(group, signal.SIGKILL)


def _signal_group(group: int, sig: signal.Signals) -> None:
    try:
        os.killpg(group, sig)
    except ProcessLookupError:
        pass


def _group_alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
