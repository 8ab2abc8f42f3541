"""The deterministic seed of a request: a canonical hash, never Python's salted `hash()`.

Two requests that mean the same (same fields, whatever the key order or spacing, streamed or
not) get the same seed on any worker, any day; any difference in content gives another.
"""

from __future__ import annotations

import hashlib
import random
from typing import Any

import msgspec
import orjson

_IGNORED = frozenset({"stream"})


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no spaces: the same bytes for the same meaning."""
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except TypeError:  # integers beyond 64 bits (e.g. in a tool input): msgspec writes them
        return msgspec.json.encode(value, order="sorted")


def _raw(value: Any) -> Any:
    """Raw JSON kept undecoded by the wire layer (tool schemas, inputs) joins the hash decoded."""
    if isinstance(value, msgspec.Raw):
        return msgspec.json.decode(value)
    raise NotImplementedError(f"cannot hash a {type(value).__name__}")


def request_seed(request: msgspec.Struct) -> bytes:
    builtins = msgspec.to_builtins(request, enc_hook=_raw)
    if isinstance(builtins, dict):
        builtins = {key: value for key, value in builtins.items() if key not in _IGNORED}
    return hashlib.sha256(canonical_json(builtins)).digest()


def rng(seed: bytes, purpose: str) -> random.Random:
    """An independent, reproducible random stream for one purpose (text, tools, thinking...)."""
    return random.Random(int.from_bytes(hashlib.sha256(seed + purpose.encode()).digest()[:8], "big"))
