"""Response headers of the provider surface: the ones every ``/v1`` answer carries.

Every response, errors included, has ``request-id: req_...`` (the SDKs read the header, not the
body), ``anthropic-organization-id`` (the deployment's), and the four ``anthropic-ratelimit-*``
families (``limit`` / ``remaining`` / ``reset``) with generous static values; ``reset`` is the
next full minute in RFC 3339 (``2026-11-22T07:28:00Z``), like the real headers. Errors add
``x-should-retry`` (``false`` on 4xx, ``true`` on 5xx), as the real API does.

The static part is built once per minute and shared; a response adds only its request id,
content type and length.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from ..asgi import Headers

__all__ = ["JSON", "SSE", "HeaderFactory"]

JSON = b"application/json"
SSE = b"text/event-stream; charset=utf-8"

#: (family, limit): generous, static.
RATE_LIMITS: tuple[tuple[str, int], ...] = (
    ("requests", 4_000),
    ("tokens", 2_400_000),
    ("input-tokens", 2_000_000),
    ("output-tokens", 400_000),
)


class HeaderFactory:
    """Builds response header lists; the organization and rate-limit headers are cached per minute."""

    def __init__(self, organization_id: str) -> None:
        self._organization = (b"anthropic-organization-id", organization_id.encode())
        self._minute = -1
        self._static: Headers = []

    def _static_headers(self) -> Headers:
        minute = int(time.time()) // 60
        if minute != self._minute:
            reset = datetime.fromtimestamp((minute + 1) * 60, tz=UTC).strftime("%Y-%m-%dT%H:%M:%SZ").encode()
            static: Headers = [self._organization]
            for family, limit in RATE_LIMITS:
                prefix = b"anthropic-ratelimit-" + family.encode()
                static.append((prefix + b"-limit", str(limit).encode()))
                static.append((prefix + b"-remaining", str(limit).encode()))
                static.append((prefix + b"-reset", reset))
            self._static, self._minute = static, minute
        return self._static

    def json(self, request_id: str, length: int, *, status: int = 200) -> Headers:
        headers: Headers = [
            (b"content-type", JSON),
            (b"content-length", str(length).encode()),
            (b"request-id", request_id.encode()),
        ]
        headers.extend(self._static_headers())
        if status >= 400:
            headers.append((b"x-should-retry", b"true" if status >= 500 else b"false"))
        return headers

    def sse(self, request_id: str) -> Headers:
        headers: Headers = [
            (b"content-type", SSE),
            (b"cache-control", b"no-cache"),
            (b"request-id", request_id.encode()),
        ]
        headers.extend(self._static_headers())
        return headers
