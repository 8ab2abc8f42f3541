"""Claude Code against the twin, with a tool: `claude -p "use Bash to run ls"` calls Bash, runs it,
sends the result back, and prints the twin's answer about it (node and npm needed)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.claude_code import recent_messages, run_claude_code
from tests.support.server import TwinServer
from tests.support.tenants import create_tenant

pytestmark = [pytest.mark.npm, pytest.mark.slow]


def test_claude_code_calls_bash_then_answers(twin: TwinServer, claude_bin: Path, tmp_path: Path) -> None:
    tenant = create_tenant(twin.base_url, "claude-code-tools")
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    (work / "notes.txt").write_text("hello\n")
    (work / "src").mkdir()
    out = run_claude_code(
        claude_bin,
        twin.base_url,
        tenant.mint_key(),
        ["use Bash to run ls", "--allowedTools", "Bash"],
        work,
        home,
        timeout=240,
    )
    assert "notes.txt" in out["result"]  # the answer quotes what Bash printed
    messages = recent_messages(twin.store_url, tenant.tenant_id)
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
