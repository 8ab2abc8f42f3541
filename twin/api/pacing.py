"""Paced writing of an answer by a timing profile's schedule (see twin.domain.timing).

Only used when a timing profile applies; the default path never comes here and never sleeps.
Waiting is `asyncio.sleep` on the event loop's timer heap (no busy wait, no thread, no task per
stream), so thousands of paced streams cost memory, not CPU. Frames that fall due together
(e.g. after a late wake-up) go out in one write.

How the provider surface uses it (three calls, all no-ops on the default path):

    accepted_at = time.monotonic()                       # when the request arrived
    profile = profile_for(runtime, header, tenant_id, model_id)   # ApiError 400 on a bad header
    ...append the events as usual...
    if profile is None: answer as usual (never sleeps)
    elif streamed: send http.response.start, then
         await send_stream(send, profile, seed, frames, output_tokens, accepted_at)
    else: await wait_until(accepted_at, json_delay(profile, seed, output_tokens)); send the JSON
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..domain.timing import Schedule, TimingError, TimingProfile, schedule, select
from ..wire.errors import invalid_request
from .asgi import Send

if TYPE_CHECKING:
    from ..runtime import Runtime

DELTA_PREFIX = b"event: content_block_delta\n"
_EARLY = 0.0005  # do not sleep for less than half a millisecond; write now


def profile_for(runtime: Runtime, header: str | bytes | None, tenant_id: str, model: str) -> TimingProfile | None:
    """The timing profile of one request (header > tenant setting > model), or None: the default.

    A malformed `x-twin-timing` header is a 400 invalid_request_error (twin.wire.errors.ApiError).
    """
    setting = runtime.tenant_settings.get(tenant_id, "timing_profile")
    if header is None and setting is None:
        return select(None, None, model)
    try:
        return select(header, setting, model)
    except TimingError as exc:
        raise invalid_request(str(exc)) from None


def json_delay(profile: TimingProfile, seed: bytes, output_tokens: int) -> float:
    """How long after its arrival a non-streamed answer goes out: the stream's end."""
    return schedule(profile, seed, (), output_tokens).end


async def send_stream(
    send: Send, profile: TimingProfile, seed: bytes, frames: Sequence[bytes], output_tokens: int, accepted_at: float
) -> None:
    """The body of a paced stream (after `http.response.start`)."""
    await send_paced(send, stream_groups(profile, seed, frames, output_tokens), accepted_at)


def paced_groups(frames: Sequence[bytes], sched: Schedule) -> list[tuple[float, bytes]]:
    """Group SSE frames by when they go out.

    The i-th `content_block_delta` frame goes at `sched.chunks[i]`; every other frame goes with
    the next delta (so message_start, content_block_start and ping leave with the first delta,
    at `sched.first`); frames after the last delta (content_block_stop, message_delta,
    message_stop) go at `sched.end`. Deltas beyond the schedule's chunks go at `sched.end`.
    """
    groups: list[tuple[float, bytes]] = []
    pending: list[bytes] = []
    delta = 0
    for frame in frames:
        pending.append(frame)
        if frame.startswith(DELTA_PREFIX):
            at = sched.chunks[delta] if delta < len(sched.chunks) else sched.end
            at = max(at, groups[-1][0]) if groups else max(at, sched.first)
            groups.append((at, b"".join(pending)))
            pending = []
            delta += 1
    if pending:
        last = groups[-1][0] if groups else sched.first
        groups.append((max(sched.end, last), b"".join(pending)))
    return groups


def delta_sizes(frames: Sequence[bytes]) -> list[int]:
    """The size of each `content_block_delta` frame: how `schedule()` apportions output tokens."""
    return [len(frame) for frame in frames if frame.startswith(DELTA_PREFIX)]


def stream_groups(
    profile: TimingProfile, seed: bytes, frames: Sequence[bytes], output_tokens: int
) -> list[tuple[float, bytes]]:
    """Schedule and group a stream's frames in one call (what an SSE writer needs)."""
    return paced_groups(frames, schedule(profile, seed, delta_sizes(frames), output_tokens))


async def send_paced(send: Send, groups: Sequence[tuple[float, bytes]], accepted_at: float) -> None:
    """Write `groups` (offset from `accepted_at`, a `time.monotonic()` instant) as the response body.

    The last write closes the body. Groups already due are merged into one write.
    """
    index = 0
    count = len(groups)
    while index < count:
        due = accepted_at + groups[index][0]
        wait = due - time.monotonic()
        if wait > _EARLY:
            await asyncio.sleep(wait)
        now = time.monotonic() - accepted_at + _EARLY
        parts = [groups[index][1]]
        index += 1
        while index < count and groups[index][0] <= now:
            parts.append(groups[index][1])
            index += 1
        body = parts[0] if len(parts) == 1 else b"".join(parts)
        await send({"type": "http.response.body", "body": body, "more_body": index < count})


async def wait_until(accepted_at: float, offset: float) -> None:
    """Sleep until `offset` seconds after `accepted_at` (a JSON answer waits for `Schedule.end`)."""
    wait = accepted_at + offset - time.monotonic()
    if wait > _EARLY:
        await asyncio.sleep(wait)
