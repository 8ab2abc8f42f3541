"""Paced writing: which frames go together, in order, and the body is closed once (no clocks asserted)."""

from __future__ import annotations

import time
from typing import Any

import pytest

from twin.api.pacing import paced_groups, send_paced, stream_groups, wait_until
from twin.domain.timing import Schedule, TimingProfile

FRAMES = [
    b"event: message_start\ndata: {}\n\n",
    b"event: content_block_start\ndata: {}\n\n",
    b"event: ping\ndata: {}\n\n",
    b"event: content_block_delta\ndata: {1}\n\n",
    b"event: content_block_delta\ndata: {2}\n\n",
    b"event: content_block_stop\ndata: {}\n\n",
    b"event: content_block_start\ndata: {}\n\n",
    b"event: content_block_delta\ndata: {3}\n\n",
    b"event: content_block_stop\ndata: {}\n\n",
    b"event: message_delta\ndata: {}\n\n",
    b"event: message_stop\ndata: {}\n\n",
]


def test_groups_follow_the_schedule() -> None:
    sched = Schedule(first=0.1, chunks=(0.1, 0.2, 0.3), end=0.4)
    groups = paced_groups(FRAMES, sched)
    assert [at for at, _ in groups] == [0.1, 0.2, 0.3, 0.4]
    assert groups[0][1] == b"".join(FRAMES[:4])
    assert groups[1][1] == FRAMES[4]
    assert groups[2][1] == b"".join(FRAMES[5:8])
    assert groups[3][1] == b"".join(FRAMES[8:])
    assert b"".join(body for _, body in groups) == b"".join(FRAMES)


def test_groups_without_deltas_wait_for_the_end() -> None:
    frames = [FRAMES[0], FRAMES[-2], FRAMES[-1]]
    groups = paced_groups(frames, Schedule(first=0.1, chunks=(), end=0.3))
    assert groups == [(0.3, b"".join(frames))]


def test_groups_from_a_profile_keep_every_byte() -> None:
    groups = stream_groups(TimingProfile(ttft_ms=5, tokens_per_second=1000, jitter_ms=1), b"seed", FRAMES, 30)
    assert b"".join(body for _, body in groups) == b"".join(FRAMES)
    assert [at for at, _ in groups] == sorted(at for at, _ in groups)


async def test_send_paced_writes_in_order_and_closes_once() -> None:
    sent: list[dict[str, Any]] = []

    async def send(message: Any) -> None:
        sent.append(message)

    groups = [(0.0, b"a"), (0.001, b"b"), (0.002, b"c")]
    await send_paced(send, groups, time.monotonic())
    assert b"".join(m["body"] for m in sent) == b"abc"
    assert [m["more_body"] for m in sent][-1] is False
    assert all(m["more_body"] for m in sent[:-1])


async def test_send_paced_merges_groups_already_due() -> None:
    sent: list[dict[str, Any]] = []

    async def send(message: Any) -> None:
        sent.append(message)

    await send_paced(send, [(0.0, b"a"), (0.0, b"b"), (0.0, b"c")], time.monotonic() - 1)
    assert sent == [{"type": "http.response.body", "body": b"abc", "more_body": False}]


async def test_wait_until_past_returns() -> None:
    await wait_until(time.monotonic() - 1, 0.5)


class _Settings:
    def __init__(self, value: Any) -> None:
        self.value = value

    def get(self, tenant_id: str, key: str) -> Any:
        return self.value


class _Runtime:
    def __init__(self, value: Any) -> None:
        self.tenant_settings = _Settings(value)


def test_profile_for_default_header_tenant_and_bad_header() -> None:
    from twin.api.pacing import profile_for
    from twin.wire.errors import ApiError

    runtime: Any = _Runtime(None)
    assert profile_for(runtime, None, "t", "m") is None
    assert profile_for(runtime, b"ttft_ms=5", "t", "m") == TimingProfile(ttft_ms=5)
    runtime = _Runtime({"ttft_ms": 9.0, "tokens_per_second": None, "jitter_ms": 0.0})
    assert profile_for(runtime, None, "t", "m") == TimingProfile(ttft_ms=9)
    assert profile_for(runtime, "off", "t", "m") is None
    with pytest.raises(ApiError) as caught:
        profile_for(runtime, "tps=fast", "t", "m")
    assert caught.value.status == 400
    assert caught.value.error_type == "invalid_request_error"
    assert "x-twin-timing" in caught.value.message


def test_json_delay_is_the_stream_end() -> None:
    from twin.api.pacing import json_delay

    profile = TimingProfile(ttft_ms=100, tokens_per_second=50)
    assert abs(json_delay(profile, b"s", 100) - 2.1) < 1e-9
