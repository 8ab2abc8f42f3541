"""Claude Code itself (`@anthropic-ai/claude-code` from npm) driven against a running twin.

npm installs it once under .pytest_cache; without node and npm the tests that need it skip with
the reason. `run_claude_code` runs `claude -p ... --output-format json` in a fresh home and work
directory and returns its JSON summary; `recent_messages` reads back what the twin recorded.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import msgspec
import pytest

from eventstore import open_store

ROOT = Path(__file__).resolve().parents[2]
NPM_DIR = ROOT / ".pytest_cache" / "npm-claude-code"


def install_claude_code() -> Path:
    """The `claude` binary, installed with npm on first use (or a skip naming what is missing)."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        pytest.skip("node and npm are needed to run Claude Code (not found on PATH)")
    binary = NPM_DIR / "node_modules" / ".bin" / "claude"
    if not binary.exists():
        NPM_DIR.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            ["npm", "install", "--no-audit", "--no-fund", "--silent", "@anthropic-ai/claude-code"],
            cwd=NPM_DIR,
            capture_output=True,
            text=True,
            timeout=900,
        )
        if result.returncode != 0 or not binary.exists():
            pytest.skip(f"npm install @anthropic-ai/claude-code failed: {result.stderr[-500:]}")
    return binary


def run_claude_code(
    binary: Path, base_url: str, api_key: str, args: list[str], work: Path, home: Path, *, timeout: float
) -> dict[str, Any]:
    """`claude -p <args> --output-format json` in `work`; asserts it exited 0 without an error."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "TERM": "dumb",
        "LANG": "C.UTF-8",
        "ANTHROPIC_BASE_URL": base_url,
        "ANTHROPIC_API_KEY": api_key,
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
    }
    result = subprocess.run(
        [str(binary), "-p", *args, "--output-format", "json"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out: dict[str, Any] = msgspec.json.decode(result.stdout)
    assert out["is_error"] is False
    return out


def recent_messages(store_url: str, tenant_id: str | None = None) -> list[dict[str, Any]]:
    """The data of the last `message.created` events in the store (of one tenant if given), oldest first."""

    async def read() -> list[dict[str, Any]]:
        store = await open_store(store_url)
        try:
            head = await store.head()
            events = await store.read_all(max(0, head - 200), 400, types=["message.created"])
            return [
                msgspec.json.decode(event.data) for event in events if tenant_id is None or event.tenant_id == tenant_id
            ]
        finally:
            await store.close()

    return asyncio.run(read())
