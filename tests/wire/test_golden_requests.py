"""Golden inputs: requests captured from real clients must decode and validate cleanly.

The fixtures are ``tests/fixtures/captures/*``: Claude Code
2.1.330 (``claude -p``, ~49-87 KB, 12 or 21 tools, a trailing ``role: "system"`` message,
adaptive thinking, ``context_management``, many betas, ``anthropic-version: 2023-06-01``),
the TypeScript SDK 1.12.0 and the Python SDKs 2.12.0 / 1.17.0. Bodies are re-serialized
compactly, which the capture notes say reproduces the clients' bytes.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from twin.domain.validation import (
    Conversation,
    validate_count_tokens_request,
    validate_messages_request,
)
from twin.wire.decode import decode_count_tokens_request, decode_messages_request
from twin.wire.errors import ApiError
from twin.wire.tools import CustomTool
from twin.wire.versions import parse_betas, resolve_api_version

FIXTURES = Path(__file__).parents[1] / "fixtures" / "captures"
POSTS = sorted(path for path in FIXTURES.glob("*/*.json") if json.loads(path.read_text())["method"] == "POST")

#: Captured with a model that rejects budgeted thinking (real: Opus 4.7+ answer 400 to it).
EXPECTED_REJECTIONS = {
    "08_messages_create_with_thinking_enabled_budget_tokens_1024.json": (
        '"thinking.type.enabled" is not supported for this model. Use "thinking.type.adaptive" and '
        '"output_config.effort" to control thinking behavior.'
    ),
}


def _run(path: Path) -> Conversation:
    capture: dict[str, Any] = json.loads(path.read_text())
    headers = {name.lower(): value for name, value in capture["headers"].items()}
    version = resolve_api_version(headers.get("anthropic-version"))
    betas = parse_betas(headers.get("anthropic-beta"))
    body = json.dumps(capture["body"], separators=(",", ":"), ensure_ascii=False).encode()
    if capture["path"] == "/v1/messages/count_tokens":
        counted = decode_count_tokens_request(body, api_version=version, betas=betas)
        return validate_count_tokens_request(counted, api_version=version, betas=betas)
    assert capture["path"] == "/v1/messages"
    created = decode_messages_request(body, api_version=version, betas=betas)
    return validate_messages_request(created, api_version=version, betas=betas)


@pytest.mark.parametrize("path", POSTS, ids=lambda path: f"{path.parent.name}/{path.stem}")
def test_captured_request_is_accepted(path: Path) -> None:
    expected = EXPECTED_REJECTIONS.get(path.name)
    if expected is None:
        _run(path)
        return
    with pytest.raises(ApiError) as info:
        _run(path)
    assert info.value.message == expected


def test_claude_code_default_request_normalizes_as_expected() -> None:
    conversation = _run(FIXTURES / "claude-code-2.1.330" / "01_p_hello.json")
    assert conversation.model.id == "claude-opus-5-5"
    assert conversation.max_tokens == 128000
    assert conversation.stream is True
    assert [turn.role for turn in conversation.turns] == ["user", "system"]
    assert conversation.thinking.type == "adaptive"
    assert conversation.thinking.display == "omitted"
    assert conversation.effort == "medium"
    assert len(conversation.system) == 3
    assert len(conversation.tools) == 12
    assert all(isinstance(tool, CustomTool) for tool in conversation.tools)
    assert conversation.cache_breakpoints == 3
    assert conversation.prefill is None
    last_user = conversation.last_user_turn
    assert last_user is not None
    assert last_user.text().endswith("hello")


def test_claude_code_tool_follow_up() -> None:
    conversation = _run(FIXTURES / "claude-code-2.1.330" / "04_p_bash_tool_followup_tool_result.json")
    assert [turn.role for turn in conversation.turns] == ["user", "system", "assistant", "user"]
    assert [type(block).__name__ for block in conversation.turns[2].blocks] == [
        "ThinkingParam",
        "TextParam",
        "ToolUseParam",
    ]
    assert type(conversation.turns[3].blocks[0]).__name__ == "ToolResultParam"


def test_claude_code_older_models() -> None:
    haiku = _run(FIXTURES / "claude-code-2.1.330" / "13_p_hello_model_haiku_4_5.json")
    assert haiku.thinking.type == "enabled"
    assert haiku.thinking.budget_tokens == 31999
    assert haiku.model.id == "claude-haiku-4-5-20251001"
    assert haiku.requested_model == "claude-haiku-4-5"
    inline = _run(FIXTURES / "claude-code-2.1.330" / "17_after_400_retry_3_no_tool_search_21_tools.json")
    assert len(inline.tools) == 21
