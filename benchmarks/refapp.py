"""The raw ASGI reference: fixed answers, no framework, on the twin's own Granian settings.

    python -m benchmarks.refapp --port 18080 [--workers 1] [--answers DIR]

It reads the request body, checks that an `x-api-key` is present, and answers
`POST /v1/messages` with the fixed message JSON (or, when the body asks for a stream, the fixed
SSE stream written as `message_start` alone and the rest in one send), and
`POST /v1/messages/count_tokens` with the fixed count JSON. `GET /_twin/health` answers 200.
The answers are the twin's own bytes when `--answers DIR` holds them (see benchmarks.bodies).

With an `x-twin-timing` header it paces the stream (and delays the JSON) with the twin's own
schedule and paced writer (twin.domain.timing, twin.api.pacing): the timing benchmark uses it
as the floor of what pacing can achieve.

This is the 1.00 of every ratio the load benchmark reports.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import time
from pathlib import Path
from typing import Any

from twin.api.asgi import Receive, Scope, Send
from twin.api.pacing import send_paced, stream_groups, wait_until
from twin.domain.timing import HEADER_BYTES, TimingError, TimingProfile, parse_header, schedule

from .bodies import ReferenceAnswers, split_frames

ANSWERS_ENV = "BENCH_REF_ANSWERS"

JSON_HEADERS = [(b"content-type", b"application/json"), (b"request-id", b"req_reference")]
SSE_HEADERS = [
    (b"content-type", b"text/event-stream; charset=utf-8"),
    (b"cache-control", b"no-cache"),
    (b"request-id", b"req_reference"),
]
ERR_401 = b'{"type":"error","error":{"type":"authentication_error","message":"x-api-key header is required"}}'
ERR_404 = b'{"type":"error","error":{"type":"not_found_error","message":"Not Found"}}'
HEALTH = b'{"status":"ok","twin":"reference"}'


class ReferenceApp:
    def __init__(self, answers: ReferenceAnswers) -> None:
        self.answers = answers
        frames = split_frames(answers.stream)
        self.frames = frames
        self.first = frames[0]
        self.rest = b"".join(frames[1:])
        self.output_tokens = _output_tokens(answers.message)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        kind = scope["type"]
        if kind == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if kind != "http":
            return
        accepted_at = time.monotonic()
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        path = scope["path"]
        if scope["method"] == "GET" and path == "/_twin/health":
            return await _respond(send, 200, JSON_HEADERS, HEALTH)
        if scope["method"] != "POST" or path not in ("/v1/messages", "/v1/messages/count_tokens"):
            return await _respond(send, 404, JSON_HEADERS, ERR_404)
        key = timing = None
        for name, value in scope["headers"]:
            if name == b"x-api-key":
                key = value
            elif name == HEADER_BYTES:
                timing = value
        if not key:
            return await _respond(send, 401, JSON_HEADERS, ERR_401)
        if path == "/v1/messages/count_tokens":
            return await _respond(send, 200, JSON_HEADERS, self.answers.count)
        stream = b'"stream":true' in body or b'"stream": true' in body
        profile = None
        if timing is not None:
            try:
                parsed = parse_header(timing)
            except TimingError as exc:
                error = f'{{"type":"error","error":{{"type":"invalid_request_error","message":"{exc}"}}}}'
                return await _respond(send, 400, JSON_HEADERS, error.encode())
            profile = parsed if isinstance(parsed, TimingProfile) else None
        if profile is not None:
            return await self._paced(send, profile, hashlib.sha256(body).digest(), stream, accepted_at)
        if stream:
            await send({"type": "http.response.start", "status": 200, "headers": SSE_HEADERS})
            await send({"type": "http.response.body", "body": self.first, "more_body": True})
            await send({"type": "http.response.body", "body": self.rest})
            return
        await _respond(send, 200, JSON_HEADERS, self.answers.message)

    async def _paced(self, send: Send, profile: TimingProfile, seed: bytes, stream: bool, accepted_at: float) -> None:
        if stream:
            await send({"type": "http.response.start", "status": 200, "headers": SSE_HEADERS})
            await send_paced(send, stream_groups(profile, seed, self.frames, self.output_tokens), accepted_at)
            return
        sched = schedule(profile, seed, [], self.output_tokens)
        await wait_until(accepted_at, sched.end)
        await _respond(send, 200, JSON_HEADERS, self.answers.message)


def _output_tokens(message: bytes) -> int:
    import msgspec

    try:
        decoded: Any = msgspec.json.decode(message)
        return int(decoded["usage"]["output_tokens"])
    except (msgspec.DecodeError, KeyError, TypeError, ValueError):
        return 64


async def _respond(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def create_app() -> ReferenceApp:
    """Granian factory: answers from $BENCH_REF_ANSWERS (a directory), else the built-in ones."""
    directory = os.environ.get(ANSWERS_ENV)
    return ReferenceApp(ReferenceAnswers.load(Path(directory) if directory else None))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=18080)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--backlog", type=int, default=2048)
    parser.add_argument("--answers", help="directory with message.json, stream.sse, count.json")
    args = parser.parse_args()
    if args.answers:
        os.environ[ANSWERS_ENV] = args.answers

    from twin.cli import granian_server

    # exactly the Granian settings of `twin serve`
    granian_server(
        "benchmarks.refapp:create_app", host=args.host, port=args.port, workers=args.workers, backlog=args.backlog
    ).serve()


if __name__ == "__main__":
    main()
