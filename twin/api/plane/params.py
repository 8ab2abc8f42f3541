"""Query parameters of the twin plane's read endpoints, validated into clear 400s.

    query = Query(request, {"limit", "before", "after", "order", "tenant_id"})
    window = query.window(default_limit=20, max_limit=100)

Unknown parameters, repeated parameters, non-integers, out-of-range limits and malformed
timestamps are all refused with a message naming the parameter.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime
from typing import Any

from litestar import Request

from projections.paging import Window

from .errors import bad_request

CURSOR_PARAMS = frozenset({"limit", "before", "after", "order"})
_MAX_CURSOR = 2**63 - 1
_TEXT_LIMIT = 256


class Query:
    def __init__(self, request: Request[Any, Any, Any], allowed: Collection[str]) -> None:
        self._values: dict[str, str] = {}
        for name, value in request.query_params.multi_items():
            if name not in allowed:
                known = ", ".join(sorted(allowed)) or "none"
                raise bad_request(f"unknown query parameter {name!r} (known: {known})")
            if name in self._values:
                raise bad_request(f"query parameter {name!r} given more than once")
            if "\x00" in value:
                raise bad_request(f"query parameter {name!r} must not contain NUL characters")
            self._values[name] = value

    def has(self, name: str) -> bool:
        return name in self._values

    def integer(self, name: str, default: int | None, minimum: int, maximum: int) -> int | None:
        raw = self._values.get(name)
        if raw is None:
            return default
        text = raw.strip()
        if not text or not (text.isdigit() or (text[0] == "-" and text[1:].isdigit())) or len(text) > 20:
            raise bad_request(f"query parameter {name!r} must be an integer, got {raw[:40]!r}")
        value = int(text)
        if not minimum <= value <= maximum:
            raise bad_request(f"query parameter {name!r} must be between {minimum} and {maximum}, got {value}")
        return value

    def choice(self, name: str, options: Collection[str]) -> str | None:
        raw = self._values.get(name)
        if raw is None:
            return None
        if raw not in options:
            raise bad_request(f"query parameter {name!r} must be one of {', '.join(sorted(options))}, got {raw[:40]!r}")
        return raw

    def text(self, name: str, limit: int = _TEXT_LIMIT, *, allow_empty: bool = False) -> str | None:
        raw = self._values.get(name)
        if raw is None:
            return None
        if (not raw and not allow_empty) or len(raw) > limit:
            raise bad_request(f"query parameter {name!r} must be 1 to {limit} characters")
        return raw

    def timestamp_us(self, name: str) -> int | None:
        """An RFC 3339 / ISO 8601 time (a `Z` or an offset; naive means UTC) as epoch microseconds."""
        raw = self._values.get(name)
        if raw is None:
            return None
        try:
            moment = datetime.fromisoformat(raw.strip().replace("z", "Z"))
        except ValueError as exc:
            raise bad_request(
                f"query parameter {name!r} must be an RFC 3339 time such as 2026-11-22T08:00:00.000Z, got {raw[:40]!r}"
            ) from exc
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return int(moment.timestamp() * 1_000_000)

    def window(self, *, default_limit: int, max_limit: int, offsets: bool = False) -> Window:
        limit = self.integer("limit", default_limit, 1, max_limit)
        assert limit is not None
        before = self.integer("before", None, 0, _MAX_CURSOR)
        after = self.integer("after", None, 0, _MAX_CURSOR)
        offset = self.integer("offset", 0, 0, 1_000_000) if offsets else 0
        order = self.choice("order", ("asc", "desc"))
        return Window(limit=limit, before=before, after=after, offset=offset or 0, order=order)  # type: ignore[arg-type]
