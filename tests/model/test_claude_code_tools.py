"""Claude Code against the twin, with a tool: `claude -p "use Bash to run ls"` calls Bash, runs it,
sends the result back, and prints the twin's answer about it (node and npm needed)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
from pathlib import Path
from typing import Any

import msgspec
import pytest

from eventstore import open_store
from tests.provider.test_claude_code import claude_bin
from tests.support.server import TwinServer
from tests.support.tenants import create_tenant

pytestmark = [pytest.mark.npm, pytest.mark.slow]
__all__ = ["claude_bin"]


def _tenant_messages(twin: TwinServer, tenant_id: str) -> list[dict[str, Any]]:
    async def read() -> list[dict[str, Any]]:
        store = await open_store(twin.store_url)
        try:
            head = await store.head()
            events = await store.read_all(max(0, head - 200), 400, types=["message.created"])
            return [msgspec.json.decode(event.data) for event in events if event.tenant_id == tenant_id]
        finally:
            await store.close()

    return asyncio.run(read())


def test_claude_code_calls_bash_then_answers(twin: TwinServer, claude_bin: Path, tmp_path: Path) -> None:
    tenant = create_tenant(twin.base_url, "claude-code-tools")
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    (work / "notes.txt").write_text("hello\n")
    (work / "src").mkdir()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "TERM": "dumb",
        "LANG": "C.UTF-8",
        "ANTHROPIC_BASE_URL": twin.base_url,
        "ANTHROPIC_API_KEY": tenant.mint_key(),
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
    }
    result = subprocess.run(
        [str(claude_bin), "-p", "use Bash to run ls", "--allowedTools", "Bash", "--output-format", "json"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    out = json.loads(result.stdout)
    assert out["is_error"] is False
    assert "notes.txt" in out["result"]  # the answer quotes what Bash printed
    messages = _tenant_messages(twin, tenant.tenant_id)
    calls = [
        block
        for message in messages
        for block in message["response"]["content"]
        if block["type"] == "tool_use" and block["name"] == "Bash"
    ]
    assert calls
    assert calls[0]["input"]["command"] == "ls"
    assert messages[-1]["stop_reason"] == "end_turn"
    # the second request echoed the first answer's thinking block and read Claude Code's cached prefix
    assert any(message["cache_read_input_tokens"] > 0 for message in messages)
