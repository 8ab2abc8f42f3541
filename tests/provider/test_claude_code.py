"""Claude Code itself (`@anthropic-ai/claude-code` from npm) against the twin: `claude -p "hello"`
must print the twin's answer and exit 0. Needs node and npm (installed once under .pytest_cache)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.support.server import TwinServer

from .helpers import request_events

ROOT = Path(__file__).resolve().parents[2]
NPM_DIR = ROOT / ".pytest_cache" / "npm-claude-code"

pytestmark = [pytest.mark.npm, pytest.mark.slow]


@pytest.fixture(scope="session")
def claude_bin() -> Path:
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


def test_claude_code_prints_the_twins_answer(twin: TwinServer, api_key: str, claude_bin: Path, tmp_path: Path) -> None:
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "TERM": "dumb",
        "LANG": "C.UTF-8",
        "ANTHROPIC_BASE_URL": twin.base_url,
        "ANTHROPIC_API_KEY": api_key,
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
    }
    result = subprocess.run(
        [str(claude_bin), "-p", "hello", "--output-format", "json"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = json.loads(result.stdout)
    assert out["is_error"] is False
    assert out["result"].strip()
    assert out["usage"]["input_tokens"] > 0
    assert out["session_id"]
    # the answer came from the twin: the text Claude Code printed is a recorded message's
    events = [
        data
        for request_id in _recent_request_ids(twin)
        for event, data in request_events(twin, request_id)
        if event.type == "message.created"
    ]
    texts = ["".join(b.get("text", "") for b in data["response"]["content"]) for data in events]
    assert out["result"].strip() in [text.strip() for text in texts]


def _recent_request_ids(twin: TwinServer) -> list[str]:
    import asyncio

    from eventstore import open_store

    async def read() -> list[str]:
        store = await open_store(twin.store_url)
        try:
            head = await store.head()
            events = await store.read_all(max(0, head - 50), 100, types=["message.created"])
            return [event.stream_id.removeprefix("request-") for event in events]
        finally:
            await store.close()

    return asyncio.run(read())
