"""Timing profiles: simulated model latency, pure and reproducible.

A profile says how long the simulated model takes: `ttft_ms` before the first token,
`tokens_per_second` after it, and `jitter_ms`, the half-width of a uniform random shift applied
to each of those instants (seeded per request, so the same request gets the same timing on any
worker, any day). No profile (the default) means no waiting at all: the default path never
sleeps.

The schedule of one answer (offsets in seconds from the moment the request was accepted):

    first    = ttft + jitter                       the head events and the first delta go out
    chunk i  = ttft + tokens_before_i / tps + jitter_i   (chunk 0 == first)
    end      = ttft + output_tokens / tps + jitter   message_delta and message_stop; a JSON
                                                      answer waits for `end` as a whole

`tokens_before_i` apportions the answer's output tokens over its delta chunks by their length,
so a stream of N output tokens lasts N / tps after its first token, and the measured rate
`output_tokens / (end - first)` is the profile's. Offsets never go backwards (a jittered
instant is clamped to the one before it) and never below zero.

Selection, strongest first: the request (`x-twin-timing` header, `parse_header`), the tenant
(`timing_profile` tenant setting, `profile_from_setting`), the model (`MODEL_PROFILES`, empty by
default). `resolve()` applies that order; the header value `off` disables timing for a request
whatever the tenant or model say.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any, Final

import msgspec

from .seed import rng

HEADER: Final = "x-twin-timing"
HEADER_BYTES: Final = b"x-twin-timing"

# Bounds: a profile is a test fixture, not a denial of service.
MAX_TTFT_MS: Final = 600_000.0  # 10 minutes
MAX_JITTER_MS: Final = 60_000.0
MIN_TOKENS_PER_SECOND: Final = 0.1
MAX_TOKENS_PER_SECOND: Final = 1_000_000.0


class TimingError(ValueError):
    """A timing profile that cannot be used; the message says which field and why."""


class TimingProfile(msgspec.Struct, frozen=True, kw_only=True, forbid_unknown_fields=True):
    """Simulated latency. `tokens_per_second=None` sends every token at once after the TTFT."""

    ttft_ms: float = 0.0
    tokens_per_second: float | None = None
    jitter_ms: float = 0.0

    def __post_init__(self) -> None:
        _check_number("ttft_ms", self.ttft_ms, 0.0, MAX_TTFT_MS)
        _check_number("jitter_ms", self.jitter_ms, 0.0, MAX_JITTER_MS)
        if self.tokens_per_second is not None:
            _check_number("tokens_per_second", self.tokens_per_second, MIN_TOKENS_PER_SECOND, MAX_TOKENS_PER_SECOND)

    def to_builtins(self) -> dict[str, Any]:
        return {"ttft_ms": self.ttft_ms, "tokens_per_second": self.tokens_per_second, "jitter_ms": self.jitter_ms}


def _check_number(name: str, value: Any, low: float, high: float) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TimingError(f"{name}: expected a number")
    if not math.isfinite(value) or not low <= value <= high:
        raise TimingError(f"{name}: must be between {low:g} and {high:g}, got {value!r}")


class Schedule(msgspec.Struct, frozen=True, gc=False):
    """When each part of one answer goes out, in seconds after the request was accepted."""

    first: float
    chunks: tuple[float, ...]
    end: float


# Per-model defaults (model id or alias -> profile). Empty: models answer at once unless a
# tenant or a request asks for a profile. Add entries here to make a model slow by default.
MODEL_PROFILES: dict[str, TimingProfile] = {}

_HEADER_KEYS: Final = {
    "ttft_ms": "ttft_ms",
    "tps": "tokens_per_second",
    "tokens_per_second": "tokens_per_second",
    "jitter_ms": "jitter_ms",
}
_OFF: Final = frozenset({"off", "none"})
_MAX_HEADER: Final = 256
_NUMBER: Final = re.compile(r"[0-9]{1,9}(?:\.[0-9]{0,9})?|\.[0-9]{1,9}", re.ASCII)


class _Off:
    """The header said `off`: no timing for this request, whatever the tenant or model say."""

    def __repr__(self) -> str:
        return "OFF"


OFF: Final = _Off()


def parse_header(value: str | bytes) -> TimingProfile | _Off:
    """Parse `x-twin-timing: ttft_ms=200,tps=50,jitter_ms=5` (or `off`), strictly.

    Keys: `ttft_ms`, `tps` (or `tokens_per_second`), `jitter_ms`, each at most once, in any
    order, separated by commas; spaces around items are allowed. Unknown keys, repeated keys,
    empty items, non-numbers and out-of-range values raise TimingError.
    """
    if isinstance(value, bytes):
        try:
            value = value.decode("ascii")
        except UnicodeDecodeError:
            raise TimingError(f"{HEADER}: must be ASCII") from None
    if len(value) > _MAX_HEADER:
        raise TimingError(f"{HEADER}: longer than {_MAX_HEADER} characters")
    text = value.strip()
    if text.lower() in _OFF:
        return OFF
    if not text:
        raise TimingError(f"{HEADER}: empty; expected e.g. 'ttft_ms=200,tps=50,jitter_ms=5' or 'off'")
    fields: dict[str, float] = {}
    for item in text.split(","):
        key, sep, raw = item.strip().partition("=")
        key = key.strip()
        if not sep or not key:
            raise TimingError(f"{HEADER}: expected key=value items, got {item.strip()!r}")
        name = _HEADER_KEYS.get(key)
        if name is None:
            raise TimingError(f"{HEADER}: unknown key {key!r} (known: ttft_ms, tps, jitter_ms)")
        if name in fields:
            raise TimingError(f"{HEADER}: {key!r} given twice")
        fields[name] = _parse_number(key, raw.strip())
    try:
        return TimingProfile(**fields)
    except TimingError as exc:
        raise TimingError(f"{HEADER}: {exc}") from None


def _parse_number(key: str, raw: str) -> float:
    # Plain decimals only: float() would also take 'nan', 'inf', '1_000' and '1e3'.
    if _NUMBER.fullmatch(raw) is None:
        raise TimingError(f"{HEADER}: {key} must be a non-negative decimal number, got {raw!r}")
    return float(raw)


def profile_from_setting(value: Any) -> TimingProfile | None:
    """The tenant setting `timing_profile` (a JSON object or null) as a profile; TimingError if invalid."""
    if value is None:
        return None
    if not isinstance(value, Mapping):
        raise TimingError("timing_profile: expected an object or null")
    try:
        return msgspec.convert(dict(value), TimingProfile)
    except msgspec.ValidationError as exc:
        raise TimingError(f"timing_profile: {exc}") from None


def resolve(
    request: TimingProfile | _Off | None,
    tenant: TimingProfile | None,
    model: str,
    models: Mapping[str, TimingProfile] = MODEL_PROFILES,
) -> TimingProfile | None:
    """The profile that applies: the request's, else the tenant's, else the model's, else none."""
    if request is OFF:
        return None
    if isinstance(request, TimingProfile):
        return request
    if tenant is not None:
        return tenant
    return models.get(model) if models else None


def schedule(profile: TimingProfile, seed: bytes, chunk_sizes: Sequence[int], output_tokens: int) -> Schedule:
    """The reproducible schedule of one answer (see the module docstring).

    `seed` is the request's seed (twin.domain.seed.request_seed); `chunk_sizes` the length of
    each delta chunk in stream order (any unit: characters are fine), `output_tokens` the
    answer's output tokens.
    """
    jitter = profile.jitter_ms / 1000.0
    draw = rng(seed, "timing")

    def shift() -> float:
        return draw.uniform(-jitter, jitter) if jitter > 0 else 0.0

    ttft = profile.ttft_ms / 1000.0
    first = max(0.0, ttft + shift())
    tps = profile.tokens_per_second
    tokens = max(0, output_tokens)
    total_size = sum(max(0, size) for size in chunk_sizes)
    offsets: list[float] = []
    previous = first
    before = 0
    for index, size in enumerate(chunk_sizes):
        if index == 0:
            at = first
        else:
            base = ttft + (tokens * before / total_size) / tps if tps and total_size else ttft
            at = max(previous, base + shift())
        offsets.append(at)
        previous = at
        before += max(0, size)
    base_end = ttft + tokens / tps if tps else ttft
    end = max(previous, base_end + shift()) if chunk_sizes else max(first, base_end + shift())
    return Schedule(first=first, chunks=tuple(offsets), end=end)


def select(header: str | bytes | None, tenant_setting: Any, model: str) -> TimingProfile | None:
    """The profile for one request, from its `x-twin-timing` header (or None), the tenant's
    `timing_profile` setting (plain data or None) and the model. TimingError for a bad header.

    The default path (no header, no tenant setting, no model default) returns at once."""
    if header is None and tenant_setting is None and not MODEL_PROFILES:
        return None
    request = parse_header(header) if header is not None else None
    if request is OFF:
        return None
    tenant = None
    if request is None and tenant_setting is not None:
        try:
            tenant = profile_from_setting(tenant_setting)
        except TimingError:
            tenant = None  # validated when it was set; an unreadable old value means no profile
    return resolve(request, tenant, model)
