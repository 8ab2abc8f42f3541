"""Small helpers shared by the wire tests (no HTTP: the SDK talks to a mock transport)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import anthropic
import httpx2

from twin.domain.validation import Conversation, validate_messages_request
from twin.wire.decode import decode_messages_request
from twin.wire.encode import encode
from twin.wire.request import MessagesRequest
from twin.wire.response import Message, TextBlock, Usage

V2023 = "2023-06-01"
V2026 = "2026-10-21"
NO_BETAS: frozenset[str] = frozenset()


def body(**fields: Any) -> bytes:
    """Compact JSON, keys in the given order (what the SDKs send)."""
    return json.dumps(fields, separators=(",", ":"), ensure_ascii=False).encode()


def minimal(**extra: Any) -> dict[str, Any]:
    """A valid create body; ``extra`` keys override or add."""
    fields: dict[str, Any] = {
        "max_tokens": 1024,
        "messages": [{"role": "user", "content": "Hello, Claude"}],
        "model": "claude-opus-4-8",
    }
    fields.update(extra)
    return fields


def decode(fields: dict[str, Any], version: str = V2026, betas: frozenset[str] = NO_BETAS) -> MessagesRequest:
    return decode_messages_request(body(**fields), api_version=version, betas=betas)


def accept(fields: dict[str, Any], version: str = V2026, betas: frozenset[str] = NO_BETAS) -> Conversation:
    """Decode and validate a create body."""
    return validate_messages_request(decode(fields, version, betas), api_version=version, betas=betas)


def sample_message(model: str = "claude-opus-4-8") -> Message:
    return Message(
        model=model,
        id="msg_011CdQ3yemAxSE8oJ3n9XtDa",
        content=[TextBlock(text="OK")],
        stop_reason="end_turn",
        usage=Usage(input_tokens=16, output_tokens=4),
    )


@dataclass
class Recorder:
    """What the SDK sent, and what the fake server answers."""

    requests: list[httpx2.Request] = field(default_factory=list)
    respond: Callable[[httpx2.Request], httpx2.Response] | None = None

    @property
    def last_body(self) -> bytes:
        return self.requests[-1].content

    def handler(self, request: httpx2.Request) -> httpx2.Response:
        request.read()
        self.requests.append(request)
        if self.respond is not None:
            return self.respond(request)
        return httpx2.Response(200, content=encode(sample_message()), headers={"content-type": "application/json"})


@contextmanager
def sdk_client(**options: Any) -> Iterator[tuple[anthropic.Anthropic, Recorder]]:
    """An ``anthropic.Anthropic`` (2.12.0) whose requests land in a :class:`Recorder`."""
    recorder = Recorder()
    http = httpx2.Client(transport=httpx2.MockTransport(recorder.handler))
    client = anthropic.Anthropic(
        api_key="sk-ant-twin-test", base_url="http://twin.test", http_client=http, max_retries=0, **options
    )
    try:
        yield client, recorder
    finally:
        client.close()
