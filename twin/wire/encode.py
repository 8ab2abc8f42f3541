"""JSON and SSE encoding of wire Structs, with encoders built once.

``encode(obj)`` gives the compact JSON body of a response (msgspec writes Struct
fields in declaration order, tagged ``type`` first, and never writes ``UNSET``).
``sse_event(event)`` gives one complete server-sent event frame::

    event: <name>\\n
    data: <compact json>\\n
    \\n

with ping spelled exactly like the real API (``data: {"type": "ping"}``).
"""

from __future__ import annotations

from typing import Any

import msgspec

from twin.wire.events import PING_DATA, Ping, StreamEvent

__all__ = ["encode", "encode_into", "sse_event", "sse_frame"]

_ENCODER = msgspec.json.Encoder()

#: ``encode(obj) -> bytes``: compact JSON of any wire Struct (or builtin value).
encode = _ENCODER.encode


def encode_into(obj: Any, buffer: bytearray, offset: int = 0) -> None:
    """Encode ``obj`` into ``buffer`` at ``offset`` (for writers that reuse a buffer)."""
    _ENCODER.encode_into(obj, buffer, offset)


def sse_frame(event_name: str, data: bytes) -> bytes:
    """One SSE frame from an event name and its (already encoded) data line."""
    return b"event: " + event_name.encode() + b"\ndata: " + data + b"\n\n"


_PING_FRAME = sse_frame("ping", PING_DATA)


def sse_event(event: StreamEvent) -> bytes:
    """One SSE frame for a stream event Struct (``event:`` = its ``type``)."""
    if isinstance(event, Ping):
        return _PING_FRAME
    return sse_frame(event.event_name, _ENCODER.encode(event))
