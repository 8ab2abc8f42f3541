"""Replaying what real clients sent (tests/fixtures/captures): Claude Code and the SDKs, byte for
byte with their own headers, must be accepted and answered with a valid message or stream."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from anthropic.lib.streaming._messages import accumulate_event

from tests.support.server import TwinServer
from twin.domain.catalog import resolve

from .helpers import assert_common_headers, parse_sse

CAPTURES = Path(__file__).resolve().parents[1] / "fixtures" / "captures"
SKIPPED_HEADERS = {"host", "content-length", "connection", "accept-encoding"}
#: Captures the twin answers 400 on purpose: the capture server accepted anything, but the
#: catalog says these models take `thinking: {"type": "adaptive"}` only.
EXPECTED_400 = {"08_messages_create_with_thinking_enabled_budget_tokens_1024.json"}


def _captures(client: str) -> list[Path]:
    return sorted(path for folder in CAPTURES.glob(f"{client}*") for path in folder.glob("*.json"))


def replay(twin: TwinServer, api_key: str, capture: dict[str, Any]) -> httpx.Response:
    headers: dict[str, str] = {}
    for name, value in capture["headers"].items():
        lower = name.lower()
        if lower in SKIPPED_HEADERS:
            continue
        if lower == "x-api-key":
            value = api_key
        elif lower == "authorization":
            value = f"Bearer {api_key}"
        headers[name] = value
    url = capture["path"] + (f"?{capture['query']}" if capture["query"] else "")
    body = capture["body"]
    content = None if body is None else json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
    with httpx.Client(base_url=twin.base_url, timeout=60) as http:
        return http.request(capture["method"], url, headers=headers, content=content)


def accumulate(raw: str) -> dict[str, Any]:
    """The message the Python SDK's accumulator builds from the stream (every block closed)."""
    snapshot = None
    json_bufs: dict[int, bytes] = {}
    opened = closed = 0
    names = []
    for name, data in parse_sse(raw):
        names.append(name)
        event = json.loads(data)
        assert event["type"] == name
        opened += name == "content_block_start"
        closed += name == "content_block_stop"
        if name != "ping":
            snapshot = accumulate_event(event=event, current_snapshot=snapshot, json_bufs=json_bufs)  # type: ignore[arg-type]
    assert names[0] == "message_start"
    assert names[-1] == "message_stop"
    assert opened == closed
    assert snapshot is not None
    result: dict[str, Any] = json.loads(snapshot.to_json())
    return result


@pytest.mark.parametrize("path", _captures("claude-code"), ids=lambda path: path.name)
def test_claude_code_requests_are_answered(twin: TwinServer, api_key: str, path: Path) -> None:
    capture = json.loads(path.read_text())
    if not capture["path"].startswith("/v1/"):
        pytest.skip(f"{capture['method']} {capture['path']} is not part of the provider surface")
    response = replay(twin, api_key, capture)
    assert response.status_code == 200, response.text
    assert_common_headers(response)
    if capture["body"].get("stream"):
        assert response.headers["content-type"].startswith("text/event-stream")
        message = accumulate(response.text)
    else:
        message = response.json()
    assert message["role"] == "assistant"
    spec = resolve(capture["body"]["model"])
    assert spec is not None
    assert message["model"] == spec.id  # an alias answers with the model it names
    assert message["stop_reason"] in {"end_turn", "tool_use", "max_tokens", "stop_sequence"}
    visible = [block for block in message["content"] if block["type"] in ("text", "tool_use")]
    assert visible, "Claude Code re-asks when an answer has no visible output"
    assert message["usage"]["input_tokens"] > 0


@pytest.mark.parametrize(
    "path", _captures("python-sdk") + _captures("ts-sdk"), ids=lambda path: f"{path.parent.name}/{path.name}"
)
def test_sdk_requests_are_answered(twin: TwinServer, api_key: str, path: Path) -> None:
    capture = json.loads(path.read_text())
    response = replay(twin, api_key, capture)
    assert_common_headers(response)
    if path.name in EXPECTED_400:
        assert response.status_code == 400, response.text
        return
    assert response.status_code == 200, response.text
    body = capture["body"] or {}
    if body.get("stream"):
        accumulate(response.text)
    elif capture["path"] == "/v1/messages":
        assert response.json()["type"] == "message"
    elif capture["path"] == "/v1/messages/count_tokens":
        assert response.json()["input_tokens"] > 0
    else:
        assert response.json()["data"]
