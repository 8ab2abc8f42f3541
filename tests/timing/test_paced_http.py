"""Timing profiles on the provider surface, over HTTP: a paced answer is the same answer, and a
bad `x-twin-timing` header is a 400 invalid_request_error. (No clock is asserted here: the
accuracy of the pacing is measured by `python -m benchmarks.load timing`.)"""

from __future__ import annotations

from typing import Any

import httpx
import msgspec
import pytest

from tests.support.server import TwinServer
from tests.support.tenants import new_api_key

FAST = "ttft_ms=1,tps=100000,jitter_ms=0.5"


def _request(stream: bool) -> dict[str, Any]:
    return {
        "model": "claude-sonnet-4-5",
        "max_tokens": 40,
        "messages": [{"role": "user", "content": "Describe pacing in one sentence."}],
        "stream": stream,
    }


def _post(twin: TwinServer, key: str, body: dict[str, Any], timing: str | None = None) -> httpx.Response:
    headers = {"x-api-key": key, "anthropic-version": "2023-06-01"}
    if timing is not None:
        headers["x-twin-timing"] = timing
    return httpx.post(f"{twin.base_url}/v1/messages", json=body, headers=headers, timeout=30)


def _events(text: str) -> list[tuple[str, Any]]:
    events = []
    for frame in text.split("\n\n"):
        if frame.strip():
            name = frame.split("\n", 1)[0].removeprefix("event: ")
            events.append((name, msgspec.json.decode(frame.split("data: ", 1)[1])))
    return events


def _without_ids(events: list[tuple[str, Any]]) -> list[tuple[str, Any]]:
    for name, data in events:
        if name == "message_start":
            data["message"].pop("id")
    return events


@pytest.fixture(scope="module")
def key(twin: TwinServer) -> str:
    return new_api_key(twin.base_url)


def test_paced_json_is_the_same_answer(twin: TwinServer, key: str) -> None:
    plain = _post(twin, key, _request(False))
    paced = _post(twin, key, _request(False), FAST)
    assert plain.status_code == paced.status_code == 200
    first, second = plain.json(), paced.json()
    assert first.pop("id") != second.pop("id")
    assert first == second


def test_paced_stream_is_the_same_stream(twin: TwinServer, key: str) -> None:
    plain = _post(twin, key, _request(True))
    paced = _post(twin, key, _request(True), FAST)
    assert paced.status_code == 200
    assert paced.headers["content-type"].startswith("text/event-stream")
    assert _without_ids(_events(paced.text)) == _without_ids(_events(plain.text))


def test_timing_off_answers_at_once_like_no_header(twin: TwinServer, key: str) -> None:
    assert _post(twin, key, _request(False), "off").status_code == 200


@pytest.mark.parametrize("value", ["ttft_ms=fast", "tps=0", "speed=1", "ttft_ms=1,ttft_ms=2", ""])
def test_bad_timing_header_is_invalid_request(twin: TwinServer, key: str, value: str) -> None:
    response = _post(twin, key, _request(True), value)
    assert response.status_code == 400
    body = response.json()
    assert body["type"] == "error"
    assert body["error"]["type"] == "invalid_request_error"
    assert "x-twin-timing" in body["error"]["message"]
