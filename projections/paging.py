"""Reading durable views a page at a time: cursors by position, filters, has_more/next_cursor.

Every row of a paged view has an integer key that only grows (the event position that wrote
it), so a cursor is that key: `before=K` reads rows with key < K, newest first; `after=K` reads
rows with key > K, oldest first (a tail). `next_cursor` is the key of the last row returned when
there is more: pass it back as the same parameter to read on. Rows that arrive meanwhile never
shift a page (unlike offsets, which are supported too for the log contract's `offset`).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Literal

import msgspec

from eventstore import ViewDatabase

Order = Literal["asc", "desc"]


class Window(msgspec.Struct, frozen=True, kw_only=True):
    limit: int
    before: int | None = None
    after: int | None = None
    offset: int = 0
    order: Order | None = None  # default: asc when only `after` is given, else desc

    @property
    def resolved_order(self) -> Order:
        if self.order is not None:
            return self.order
        return "asc" if self.after is not None and self.before is None else "desc"


class Page(msgspec.Struct, frozen=True):
    rows: list[tuple[Any, ...]]
    has_more: bool
    next_cursor: str | None


class Filters:
    """`column op $n` conditions ANDed together, with their arguments numbered in order."""

    def __init__(self) -> None:
        self.conditions: list[str] = []
        self.args: list[Any] = []

    def add(self, condition: str, *values: Any) -> Filters:
        """`condition` uses `?` for each value, e.g. `tenant_id = ?`."""
        parts = condition.split("?")
        if len(parts) - 1 != len(values):
            raise ValueError(f"{condition!r} wants {len(parts) - 1} values, got {len(values)}")
        text = parts[0]
        for value, rest in zip(values, parts[1:], strict=True):
            self.args.append(value)
            text += f"${len(self.args)}{rest}"
        self.conditions.append(text)
        return self

    def where(self) -> str:
        return f" WHERE {' AND '.join(self.conditions)}" if self.conditions else ""


async def read_page(
    db: ViewDatabase, table: str, columns: Sequence[str], key: str, filters: Filters, window: Window
) -> Page:
    """One page of `table`, ordered by `key` (a growing integer), with the cursor after it."""
    order = window.resolved_order
    if window.before is not None:
        filters.add(f"{key} < ?", window.before)
    if window.after is not None:
        filters.add(f"{key} > ?", window.after)
    sql = (
        f"SELECT {', '.join(columns)} FROM {table}{filters.where()} ORDER BY {key} {order.upper()}"
        f" LIMIT {int(window.limit) + 1} OFFSET {int(window.offset)}"
    )
    rows = await db.fetch(sql, *filters.args)
    has_more = len(rows) > window.limit
    rows = rows[: window.limit]
    key_index = list(columns).index(key)
    next_cursor = str(rows[-1][key_index]) if has_more and rows else None
    return Page(rows, has_more, next_cursor)


def rfc3339(epoch_us: int) -> str:
    """UTC, RFC 3339 with milliseconds and `Z` (the log record's timestamp format)."""
    seconds, micros = divmod(epoch_us, 1_000_000)
    return _rfc3339_second(seconds) + _MILLISECONDS[micros // 1000]


_MILLISECONDS = tuple(f".{ms:03d}Z" for ms in range(1000))


@lru_cache(maxsize=1024)
def _rfc3339_second(seconds: int) -> str:
    """The formatted second (cached: a batch of events shares few seconds, and strftime is slow)."""
    return datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S")


def clean(text: str | None) -> str | None:
    """A string as a view column can hold it: PostgreSQL text refuses NUL, so NUL becomes U+FFFD.

    Inputs are refused with NUL at the door; this keeps one odd event (e.g. imported) from
    wedging a view, whose every later batch would fail on it."""
    if text is None or "\x00" not in text:
        return text
    return text.replace("\x00", "\ufffd")


def clean_str(text: str) -> str:
    return text.replace("\x00", "\ufffd") if "\x00" in text else text
