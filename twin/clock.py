"""Time as the twin writes it: UTC, RFC 3339 with milliseconds and `Z`."""

from __future__ import annotations

import time
from datetime import UTC, datetime


def rfc3339(epoch_us: int) -> str:
    seconds, micros = divmod(epoch_us, 1_000_000)
    return datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S") + f".{micros // 1000:03d}Z"


def now_rfc3339() -> str:
    return rfc3339(time.time_ns() // 1000)
