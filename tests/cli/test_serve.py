"""`twin serve` refuses a port that another server already listens on (even with SO_REUSEPORT)."""

from __future__ import annotations

import socket
import subprocess
import sys

from tests.support.server import ROOT


def test_serve_refuses_a_taken_port() -> None:
    with socket.socket() as other:
        other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)  # as Granian binds
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "twin", "serve", "--port", str(port), "--store", "sqlite:///:memory:"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert done.returncode == 1
    assert f"127.0.0.1:{port} is already in use" in done.stderr
