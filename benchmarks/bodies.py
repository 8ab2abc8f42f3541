"""What the benchmarks send, and the reference answers the raw ASGI app serves.

Requests: a ~300-byte Messages request (model, max_tokens, system, one user message,
temperature, metadata), streamed or not, and a count_tokens request. `max_tokens` is 16: the
twin's answer is then a ~600-byte message and a 22-event stream (~3 KB), the sizes behind the
figures of the performance issue; a longer answer mostly measures the synthetic text generator. Answers: the reference app
serves fixed bytes; `benchmarks.load` first asks the twin for its real answers to these very
requests and hands those bytes to the reference app, so both serve the same bytes. Without a
twin that answers, the built-in answers below (a ~600-byte message, a 22-event stream, a
count_tokens JSON) stand in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import msgspec

MODEL = "claude-sonnet-4-5"
SYSTEM = "You are a concise assistant used as a load-test target."
PROMPT = "Write a haiku about measuring the throughput of a digital twin of an HTTP API."


LOAD_MAX_TOKENS = 16


def message_request(*, stream: bool, max_tokens: int = LOAD_MAX_TOKENS, user: str = "bench-user-1") -> bytes:
    return msgspec.json.encode(
        {
            "model": MODEL,
            "max_tokens": max_tokens,
            "system": SYSTEM,
            "messages": [{"role": "user", "content": PROMPT}],
            "temperature": 0.7,
            "metadata": {"user_id": user},
            "stream": stream,
        }
    )


def count_request() -> bytes:
    return msgspec.json.encode({"model": MODEL, "system": SYSTEM, "messages": [{"role": "user", "content": PROMPT}]})


# workload name -> (path, request body, expects a stream)
WORKLOADS: dict[str, tuple[str, bytes, bool]] = {
    "messages": ("/v1/messages", message_request(stream=False), False),
    "stream": ("/v1/messages", message_request(stream=True), True),
    "count_tokens": ("/v1/messages/count_tokens", count_request(), False),
}

REPLY = (
    "Latency is a liar until you measure it twice. Throughput is a promise the event store must keep. "
    "A digital twin answers every request the same way, quickly and deterministically, so that the load "
    "test measures your client and not the mock."
)
MESSAGE_ID = "msg_01XFDUDYJgAACzvnptvVoYEL"
_USAGE_IN = 21
_USAGE_OUT = 64


def _usage(output_tokens: int) -> dict[str, Any]:
    return {
        "input_tokens": _USAGE_IN,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 0,
        "output_tokens": output_tokens,
        "service_tier": "standard",
    }


def default_message() -> bytes:
    return msgspec.json.encode(
        {
            "model": "claude-sonnet-4-5-20250929",
            "id": MESSAGE_ID,
            "type": "message",
            "role": "assistant",
            "content": [{"type": "text", "text": REPLY}],
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": _usage(_USAGE_OUT),
        }
    )


def _frame(name: str, data: dict[str, Any]) -> bytes:
    return b"event: " + name.encode() + b"\ndata: " + msgspec.json.encode(data) + b"\n\n"


def default_stream(deltas: int = 16) -> bytes:
    words = REPLY.split(" ")
    step = max(1, -(-len(words) // deltas))
    pieces = [" ".join(words[i : i + step]) + " " for i in range(0, len(words), step)]
    frames = [
        _frame(
            "message_start",
            {
                "type": "message_start",
                "message": {
                    "model": "claude-sonnet-4-5-20250929",
                    "id": MESSAGE_ID,
                    "type": "message",
                    "role": "assistant",
                    "content": [],
                    "stop_reason": None,
                    "stop_sequence": None,
                    "usage": _usage(1),
                },
            },
        ),
        _frame(
            "content_block_start",
            {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        ),
        _frame("ping", {"type": "ping"}),
    ]
    frames += [
        _frame(
            "content_block_delta",
            {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": p}},
        )
        for p in pieces
    ]
    frames += [
        _frame("content_block_stop", {"type": "content_block_stop", "index": 0}),
        _frame(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn", "stop_sequence": None},
                "usage": {"output_tokens": _USAGE_OUT},
            },
        ),
        _frame("message_stop", {"type": "message_stop"}),
    ]
    return b"".join(frames)


def default_count() -> bytes:
    return msgspec.json.encode({"input_tokens": _USAGE_IN})


def split_frames(stream: bytes) -> list[bytes]:
    """SSE frames, each with its closing blank line."""
    return [part + b"\n\n" for part in stream.split(b"\n\n") if part.strip()]


class ReferenceAnswers(msgspec.Struct, frozen=True):
    message: bytes
    stream: bytes
    count: bytes
    source: str  # "twin <variant>" or "built-in"

    def save(self, directory: Path) -> None:
        (directory / "message.json").write_bytes(self.message)
        (directory / "stream.sse").write_bytes(self.stream)
        (directory / "count.json").write_bytes(self.count)
        (directory / "source.txt").write_text(self.source)

    @classmethod
    def load(cls, directory: Path | None) -> ReferenceAnswers:
        if directory is None or not (directory / "message.json").exists():
            return cls(default_message(), default_stream(), default_count(), "built-in")
        return cls(
            (directory / "message.json").read_bytes(),
            (directory / "stream.sse").read_bytes(),
            (directory / "count.json").read_bytes(),
            (directory / "source.txt").read_text(),
        )


def builtin_answers() -> ReferenceAnswers:
    return ReferenceAnswers(default_message(), default_stream(), default_count(), "built-in")
