"""What goes into the store (NewEvent) and what comes out of it (RecordedEvent).

Event data and metadata are JSON documents kept as the exact bytes the writer produced, so
that a read, an export and an import on another backend all return the same bytes.
"""

from __future__ import annotations

import enum
import time
from datetime import UTC, datetime

import msgspec

from .randomness import random_bytes


class ExpectedVersion(enum.Enum):
    """Sentinels for `append(expected_version=...)`; an int >= 0 asks for that exact version.

    A stream's version is the number of events in it: 0 before the first event, 1 after it.
    """

    ANY = "any"
    NO_STREAM = "no_stream"
    STREAM_EXISTS = "stream_exists"


ANY = ExpectedVersion.ANY
NO_STREAM = ExpectedVersion.NO_STREAM
STREAM_EXISTS = ExpectedVersion.STREAM_EXISTS

Expected = ExpectedVersion | int


def new_event_id() -> str:
    """A random (version 4) UUID as text; about ten times cheaper than str(uuid.uuid4())."""
    raw = bytearray(random_bytes(16))
    raw[6] = (raw[6] & 0x0F) | 0x40
    raw[8] = (raw[8] & 0x3F) | 0x80
    h = raw.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


class NewEvent(msgspec.Struct, frozen=True, kw_only=True):
    """An event to append. `data` and `metadata` are JSON objects as bytes.

    `event_id` defaults to a fresh UUID. `recorded_at_us` is left None by ordinary writers (the
    store stamps the commit time); an import sets it to keep the original time.
    """

    type: str
    data: bytes
    tenant_id: str = ""
    correlation_id: str = ""
    causation_id: str = ""
    metadata: bytes = b"{}"
    schema_version: int = 1
    event_id: str = msgspec.field(default_factory=new_event_id)
    recorded_at_us: int | None = None


class RecordedEvent(msgspec.Struct, frozen=True, kw_only=True):
    """An event as the store holds it. `position` is its place in the global, commit-ordered log
    (1, 2, 3, ... without gaps); `stream_version` its place in its stream (1, 2, 3, ...)."""

    position: int
    stream_id: str
    stream_version: int
    event_id: str
    type: str
    schema_version: int
    tenant_id: str
    correlation_id: str
    causation_id: str
    recorded_at_us: int
    data: bytes
    metadata: bytes

    @property
    def recorded_at(self) -> datetime:
        return datetime.fromtimestamp(self.recorded_at_us / 1_000_000, tz=UTC)


def now_us() -> int:
    """Wall-clock time in integer microseconds since the epoch (the store's timestamp unit)."""
    return time.time_ns() // 1000
