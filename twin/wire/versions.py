"""The ``anthropic-version`` and ``anthropic-beta`` request headers.

The real API requires ``anthropic-version`` on every call
(``anthropic-version: header is required``) and rejects an unknown value with
``anthropic-version: "<value>" is not a valid version`` (the value is JSON-quoted;
both strings observed on real 400 bodies, 2026). The published versions are
``2023-01-01`` and ``2023-06-01``; SDK 2.x / TS 1.x send ``2026-10-21``.
``2023-01-01`` only differs from ``2023-06-01`` on the legacy Text Completions API,
so for Messages the twin treats the two alike.

``anthropic-beta`` is a comma-separated list (the SDK joins ``betas=[...]`` with ``,``;
several headers are also accepted and merged). Any value is accepted here; which
body fields a value unlocks is decided by :mod:`twin.wire.decode`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Final

from twin.wire.errors import invalid_request

__all__ = [
    "KNOWN_VERSIONS",
    "V2023_01_01",
    "V2023_06_01",
    "V2026_10_21",
    "parse_betas",
    "resolve_api_version",
    "sampling_params_removed",
]

V2023_01_01: Final = "2023-01-01"
V2023_06_01: Final = "2023-06-01"
V2026_10_21: Final = "2026-10-21"
KNOWN_VERSIONS: Final = frozenset({V2023_01_01, V2023_06_01, V2026_10_21})


def resolve_api_version(header: str | None) -> str:
    """Validate the ``anthropic-version`` header value and return it.

    Raises:
        ApiError: 400 when the header is missing or names no published version.
    """
    if header is None:
        raise invalid_request("anthropic-version: header is required")
    value = header.strip()
    if value not in KNOWN_VERSIONS:
        raise invalid_request(f"anthropic-version: {json.dumps(header)} is not a valid version")
    return value


def sampling_params_removed(api_version: str) -> bool:
    """True when ``temperature``/``top_p``/``top_k`` are no longer body fields."""
    return api_version >= V2026_10_21


def parse_betas(headers: str | Iterable[str] | None) -> frozenset[str]:
    """The set of beta names in one or several ``anthropic-beta`` header values."""
    if headers is None:
        return frozenset()
    values = [headers] if isinstance(headers, str) else list(headers)
    out: set[str] = set()
    for value in values:
        for part in value.split(","):
            name = part.strip()
            if name:
                out.add(name)
    return frozenset(out)
