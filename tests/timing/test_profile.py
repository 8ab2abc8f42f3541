"""Timing profiles: strict header parsing, settings conversion, precedence and the seeded schedule."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from twin.domain.timing import (
    MODEL_PROFILES,
    OFF,
    TimingError,
    TimingProfile,
    parse_header,
    profile_from_setting,
    resolve,
    schedule,
    select,
)

SEED = hashlib.sha256(b"request").digest()


# ----------------------------------------------------------------------------- header
def test_header_full() -> None:
    assert parse_header("ttft_ms=200,tps=50,jitter_ms=5") == TimingProfile(
        ttft_ms=200, tokens_per_second=50, jitter_ms=5
    )


def test_header_any_order_spaces_bytes_and_long_name() -> None:
    assert parse_header(b" jitter_ms=0.5 , tokens_per_second=12.5,ttft_ms=.5 ") == TimingProfile(
        ttft_ms=0.5, tokens_per_second=12.5, jitter_ms=0.5
    )


def test_header_partial_keeps_defaults() -> None:
    assert parse_header("ttft_ms=100") == TimingProfile(ttft_ms=100)
    assert parse_header("tps=10") == TimingProfile(tokens_per_second=10)


@pytest.mark.parametrize("value", ["off", "OFF", " none "])
def test_header_off(value: str) -> None:
    assert parse_header(value) is OFF


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("", "empty"),
        ("ttft_ms", "key=value"),
        ("=5", "key=value"),
        ("ttft_ms=1,,tps=2", "key=value"),
        ("ttft=200", "unknown key"),
        ("ttft_ms=1,ttft_ms=2", "twice"),
        ("tps=50,tokens_per_second=50", "twice"),
        ("ttft_ms=abc", "decimal"),
        ("ttft_ms=", "decimal"),
        ("ttft_ms=nan", "decimal"),
        ("ttft_ms=inf", "decimal"),
        ("ttft_ms=1e3", "decimal"),
        ("ttft_ms=1_000", "decimal"),
        ("ttft_ms=-5", "decimal"),
        ("ttft_ms=١٢", "decimal"),
        ("ttft_ms=9999999", "between"),
        ("tps=0", "between"),
        ("jitter_ms=70000", "between"),
        ("ttft_ms=1," + "x" * 300, "longer"),
    ],
)
def test_header_rejects(value: str, fragment: str) -> None:
    with pytest.raises(TimingError, match=fragment):
        parse_header(value)


def test_header_non_ascii_bytes() -> None:
    with pytest.raises(TimingError, match="ASCII"):
        parse_header(b"ttft_ms=5" + b"\xff")


# ----------------------------------------------------------------------------- settings
def test_setting_round_trip() -> None:
    profile = profile_from_setting({"ttft_ms": 200, "tokens_per_second": 50, "jitter_ms": 5})
    assert profile == TimingProfile(ttft_ms=200, tokens_per_second=50, jitter_ms=5)
    assert profile_from_setting(profile.to_builtins()) == profile
    assert profile_from_setting(None) is None


@pytest.mark.parametrize(
    "value",
    [
        [],
        "fast",
        {"ttft_ms": -1},
        {"ttft_ms": "10"},
        {"ttft_ms": True},
        {"tokens_per_second": 0},
        {"jitter_ms": 1e9},
        {"ttft_ms": 1, "speed": 2},
    ],
)
def test_setting_rejects(value: object) -> None:
    with pytest.raises(TimingError):
        profile_from_setting(value)


# ----------------------------------------------------------------------------- precedence
def test_precedence_request_tenant_model() -> None:
    request, tenant, model = TimingProfile(ttft_ms=1), TimingProfile(ttft_ms=2), TimingProfile(ttft_ms=3)
    models = {"claude-x": model}
    assert resolve(request, tenant, "claude-x", models) is request
    assert resolve(None, tenant, "claude-x", models) is tenant
    assert resolve(None, None, "claude-x", models) is model
    assert resolve(None, None, "claude-y", models) is None
    assert resolve(OFF, tenant, "claude-x", models) is None


def test_no_profile_by_default() -> None:
    assert resolve(None, None, "claude-sonnet-4-5") is None


# ----------------------------------------------------------------------------- schedule
def test_schedule_without_jitter_is_exact() -> None:
    profile = TimingProfile(ttft_ms=200, tokens_per_second=50)
    sched = schedule(profile, SEED, [10, 10, 10, 10], output_tokens=100)
    assert sched.first == pytest.approx(0.2)
    assert sched.chunks == pytest.approx((0.2, 0.7, 1.2, 1.7))
    assert sched.end == pytest.approx(0.2 + 100 / 50)


def test_schedule_apportions_tokens_by_chunk_size() -> None:
    sched = schedule(TimingProfile(ttft_ms=0, tokens_per_second=10), SEED, [1, 3], output_tokens=40)
    assert sched.chunks == pytest.approx((0.0, 1.0))
    assert sched.end == pytest.approx(4.0)


def test_schedule_without_rate_sends_everything_at_ttft() -> None:
    sched = schedule(TimingProfile(ttft_ms=50), SEED, [5, 5, 5], output_tokens=30)
    assert sched.first == sched.end == pytest.approx(0.05)
    assert sched.chunks == pytest.approx((0.05, 0.05, 0.05))


def test_schedule_without_chunks() -> None:
    sched = schedule(TimingProfile(ttft_ms=10, tokens_per_second=100), SEED, [], output_tokens=10)
    assert sched.chunks == ()
    assert sched.end == pytest.approx(0.11)


def test_schedule_is_reproducible_per_seed() -> None:
    profile = TimingProfile(ttft_ms=100, tokens_per_second=40, jitter_ms=20)
    one = schedule(profile, SEED, [4] * 20, 80)
    assert one == schedule(profile, SEED, [4] * 20, 80)
    other = schedule(profile, hashlib.sha256(b"another request").digest(), [4] * 20, 80)
    assert other != one


@given(
    ttft=st.floats(0, 5000),
    tps=st.one_of(st.none(), st.floats(0.1, 10000)),
    jitter=st.floats(0, 1000),
    sizes=st.lists(st.integers(0, 50), max_size=40),
    tokens=st.integers(0, 5000),
    seed=st.binary(min_size=1, max_size=32),
)
def test_schedule_is_monotonic_non_negative_and_jitter_bounded(
    ttft: float, tps: float | None, jitter: float, sizes: list[int], tokens: int, seed: bytes
) -> None:
    profile = TimingProfile(ttft_ms=ttft, tokens_per_second=tps, jitter_ms=jitter)
    sched = schedule(profile, seed, sizes, tokens)
    assert len(sched.chunks) == len(sizes)
    instants = [sched.first, *sched.chunks, sched.end]
    assert all(t >= 0 for t in instants)
    assert list(sched.chunks) == sorted(sched.chunks)
    if sched.chunks:
        assert sched.chunks[0] == sched.first
        assert sched.end >= sched.chunks[-1]
    assert abs(sched.first - ttft / 1000) <= jitter / 1000 + 1e-9
    nominal_end = ttft / 1000 + (tokens / tps if tps else 0)
    assert sched.end >= nominal_end - jitter / 1000 - 1e-9


def test_select_default_path_is_none() -> None:
    assert select(None, None, "claude-sonnet-4-5") is None


def test_select_precedence_and_off() -> None:
    tenant = {"ttft_ms": 20.0, "tokens_per_second": None, "jitter_ms": 0.0}
    assert select(None, tenant, "m") == TimingProfile(ttft_ms=20)
    assert select(b"ttft_ms=5", tenant, "m") == TimingProfile(ttft_ms=5)
    assert select("off", tenant, "m") is None
    with pytest.raises(TimingError):
        select("ttft_ms=x", tenant, "m")


def test_select_model_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(MODEL_PROFILES, "claude-slow", TimingProfile(ttft_ms=7))
    assert select(None, None, "claude-slow") == TimingProfile(ttft_ms=7)
    assert select(None, None, "claude-other") is None
