"""Servers under test as process groups, and what they cost: CPU time and resident memory from /proc.

A server is started in its own session (so its process group holds the Granian main process and
every worker) and stopped by signalling that group: SIGINT, then SIGKILL after a grace period,
so no worker is ever left behind. Before starting, the port must be free: Granian binds with
SO_REUSEPORT, so a stale server on the same port would silently take part of the load.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import httpx

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


class PortBusy(RuntimeError):
    pass


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def assert_port_free(port: int, host: str = "127.0.0.1") -> None:
    """Refuse a port something listens on (a connect succeeds) or that cannot be bound exclusively."""
    with socket.socket() as probe:
        probe.settimeout(0.5)
        if probe.connect_ex((host, port)) == 0:
            raise PortBusy(f"{host}:{port} already has a listener (a stale server?); stop it first")
    with socket.socket() as sock:
        try:
            sock.bind((host, port))
        except OSError as exc:
            raise PortBusy(f"{host}:{port} cannot be bound: {exc}") from None


def _stat_fields(pid: int) -> list[str] | None:
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    # comm may hold spaces and parentheses: split after the last ')'.
    return raw[raw.rindex(")") + 2 :].split()


def children_of(pids: Sequence[int]) -> list[int]:
    """`pids` and all their descendants (by parent pid, from /proc)."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        fields = _stat_fields(int(entry.name))
        if fields is None:
            continue
        parents.setdefault(int(fields[1]), []).append(int(entry.name))
    found: list[int] = []
    queue = list(pids)
    while queue:
        pid = queue.pop()
        if pid in found:
            continue
        found.append(pid)
        queue.extend(parents.get(pid, ()))
    return found


def cpu_seconds(pids: Sequence[int]) -> float:
    """User + system CPU of these processes (all their threads) so far, plus their reaped children's."""
    total = 0
    for pid in pids:
        fields = _stat_fields(pid)
        if fields is not None:
            # utime, stime, cutime, cstime are fields 14-17 of stat (1-based): indexes 11-14 here.
            total += int(fields[11]) + int(fields[12]) + int(fields[13]) + int(fields[14])
    return total / CLOCK_TICKS


def rss_bytes(pids: Sequence[int]) -> int:
    total = 0
    for pid in pids:
        try:
            resident = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
        except (OSError, IndexError, ValueError):
            continue
        total += resident * PAGE_SIZE
    return total


def pids_named(name: str) -> list[int]:
    """Processes whose command name is `name` (e.g. the PostgreSQL server's), read-only."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if (entry / "comm").read_text().strip() == name:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


@dataclass
class Server:
    """A server under test: its process group, base URL and log."""

    name: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path
    workers: int
    info: dict[str, str] = field(default_factory=dict)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def pids(self) -> list[int]:
        return children_of([self.process.pid])

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def stop(self, grace: float = 15.0) -> None:
        pgid = self.process.pid  # start_new_session: the group id is the leader's pid
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGINT)
            try:
                self.process.wait(grace)
            except subprocess.TimeoutExpired:
                pass
        # Whatever is left of the group (workers that outlived their parent) goes now.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(5)


def start_server(
    name: str,
    argv: Sequence[str],
    *,
    port: int,
    env: dict[str, str],
    log_dir: Path,
    workers: int,
    cwd: Path,
    health_path: str = "/_twin/health",
    timeout: float = 60.0,
) -> Server:
    assert_port_free(port)
    log_path = log_dir / f"{name}-{port}.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            list(argv),
            cwd=cwd,
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(name, port, process, log_path, workers)
    try:
        _wait_ready(server, health_path, timeout)
    except BaseException:
        server.stop()
        raise
    return server


def _wait_ready(server: Server, health_path: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"{server.name} exited with {server.process.returncode}:\n{server.log()[-3000:]}")
        try:
            ok = httpx.get(server.base_url + health_path, timeout=1).status_code == 200
        except httpx.HTTPError:
            ok = False
        if ok and (server.workers == 1 or server.log().count("Started worker") >= server.workers):
            return
        time.sleep(0.1)
    raise RuntimeError(f"{server.name} not ready after {timeout}s:\n{server.log()[-3000:]}")


@contextlib.contextmanager
def running(servers: list[Server]) -> Iterator[list[Server]]:
    """Stop every server on the way out, whatever happens."""
    try:
        yield servers
    finally:
        for server in servers:
            server.stop()
