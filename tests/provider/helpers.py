"""Raw HTTP helpers for the provider tests: requests with exact headers, SSE parsing, events."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

import httpx
import msgspec

from eventstore import RecordedEvent, open_store
from tests.support.server import TwinServer

V2026 = "2026-10-21"
V2023 = "2023-06-01"
MODEL = "claude-opus-4-8"
ID_SUFFIX = re.compile(r"^01[1-9A-HJ-NP-Za-km-z]{22}$")
RATE_LIMIT_FAMILIES = ("requests", "tokens", "input-tokens", "output-tokens")


def hello(**extra: Any) -> dict[str, Any]:
    """A small valid messages body."""
    return {"model": MODEL, "max_tokens": 200, "messages": [{"role": "user", "content": "Hello there"}], **extra}


class Wire:
    """An httpx client with the twin's base URL and a valid key; every header can be overridden."""

    def __init__(self, twin: TwinServer, api_key: str) -> None:
        self.twin = twin
        self.api_key = api_key
        self.http = httpx.Client(base_url=twin.base_url, timeout=60)

    def __enter__(self) -> Wire:
        return self

    def __exit__(self, *exc: object) -> None:
        self.http.close()

    def headers(self, version: str | None = V2026, auth: str | None = "bearer", **extra: str) -> dict[str, str]:
        headers: dict[str, str] = {}
        if version is not None:
            headers["anthropic-version"] = version
        if auth == "bearer":
            headers["authorization"] = f"Bearer {self.api_key}"
        elif auth == "x-api-key":
            headers["x-api-key"] = self.api_key
        headers.update({name.replace("_", "-"): value for name, value in extra.items()})
        return headers

    def post(
        self,
        path: str,
        body: Any = None,
        *,
        content: bytes | None = None,
        headers: dict[str, str] | None = None,
        **header_options: Any,
    ) -> httpx.Response:
        sent = headers if headers is not None else self.headers(**header_options)
        if content is None:
            content = json.dumps(body).encode()
        return self.http.post(path, content=content, headers={"content-type": "application/json", **sent})

    def get(self, path: str, *, headers: dict[str, str] | None = None, **header_options: Any) -> httpx.Response:
        return self.http.get(path, headers=headers if headers is not None else self.headers(**header_options))


def parse_sse(raw: str) -> list[tuple[str, str]]:
    """(event name, data line) per frame, checking the framing on the way."""
    assert raw.endswith("\n\n"), raw[-200:]
    frames = []
    for block in raw[:-2].split("\n\n"):
        lines = block.split("\n")
        assert len(lines) == 2, block
        assert lines[0].startswith("event: "), block
        assert lines[1].startswith("data: "), block
        frames.append((lines[0][len("event: ") :], lines[1][len("data: ") :]))
    return frames


def events_of(raw: str) -> list[dict[str, Any]]:
    out = []
    for name, data in parse_sse(raw):
        payload = json.loads(data)
        assert payload["type"] == name
        out.append(payload)
    return out


def assert_error(response: httpx.Response, status: int, error_type: str, message: str | None = None) -> dict[str, Any]:
    """The real error envelope, with the request id in the header and the body."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    body: dict[str, Any] = response.json()
    assert body["type"] == "error"
    assert body["error"]["type"] == error_type
    if message is not None:
        assert body["error"]["message"] == message
    assert body["request_id"] == response.headers["request-id"]
    assert_common_headers(response)
    return body


def assert_common_headers(response: httpx.Response) -> None:
    headers = response.headers
    assert headers["request-id"].startswith("req_")
    assert ID_SUFFIX.match(headers["request-id"][4:]), headers["request-id"]
    assert re.fullmatch(r"[0-9a-f-]{36}", headers["anthropic-organization-id"])
    for family in RATE_LIMIT_FAMILIES:
        prefix = f"anthropic-ratelimit-{family}"
        assert int(headers[f"{prefix}-limit"]) >= int(headers[f"{prefix}-remaining"]) > 0
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", headers[f"{prefix}-reset"])


def request_events(twin: TwinServer, request_id: str) -> list[tuple[RecordedEvent, dict[str, Any]]]:
    """The events recorded on stream ``request-<request id>``, with their decoded data."""

    async def read() -> list[RecordedEvent]:
        store = await open_store(twin.store_url)
        try:
            return await store.read_stream(f"request-{request_id}")
        finally:
            await store.close()

    return [(event, msgspec.json.decode(event.data)) for event in asyncio.run(read())]
