"""Claude Code itself (`@anthropic-ai/claude-code` from npm) against the twin: `claude -p "hello"`
must print the twin's answer and exit 0. Needs node and npm (installed once under .pytest_cache)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.claude_code import recent_messages, run_claude_code
from tests.support.server import TwinServer

pytestmark = [pytest.mark.npm, pytest.mark.slow]


def test_claude_code_prints_the_twins_answer(twin: TwinServer, api_key: str, claude_bin: Path, tmp_path: Path) -> None:
    home, work = tmp_path / "home", tmp_path / "work"
    home.mkdir()
    work.mkdir()
    out = run_claude_code(claude_bin, twin.base_url, api_key, ["hello"], work, home, timeout=180)
    assert out["result"].strip()
    assert out["usage"]["input_tokens"] > 0
    assert out["session_id"]
    # the answer came from the twin: the text Claude Code printed is a recorded message's
    texts = [
        "".join(block.get("text", "") for block in data["response"]["content"])
        for data in recent_messages(twin.store_url)
    ]
    assert out["result"].strip() in [text.strip() for text in texts]
