"""Export → import, across backends: identical streams, idempotent re-import, conflicts refused."""

from __future__ import annotations

import io
from pathlib import Path

import msgspec
import pytest

from eventstore import ImportConflict, NewEvent, export_jsonl, import_jsonl, open_store
from eventstore.jsonl import format_timestamp, parse_timestamp


def _event(n: int, tenant: str) -> NewEvent:
    data = msgspec.json.encode({"n": n, "text": "caf\u00e9 \u2603 " * (n % 3)}).replace(b":", b": ")
    return NewEvent(type=f"test.kind{n % 3}", data=data, tenant_id=tenant, correlation_id=f"req_{n}", causation_id="c")


async def _fill(url: str) -> list[tuple[object, ...]]:
    store = await open_store(url)
    try:
        for n in range(60):
            await store.append(f"stream-{n % 7}", [_event(n, "alpha" if n % 2 else "beta")])
        return [_identity(e) for e in await store.read_all(0, 1000)]
    finally:
        await store.close()


def _identity(e: object) -> tuple[object, ...]:
    fields = ("stream_id", "stream_version", "event_id", "type", "schema_version", "tenant_id")
    more = ("correlation_id", "causation_id", "recorded_at_us", "data", "metadata")
    return tuple(getattr(e, name) for name in fields + more)


@pytest.mark.parametrize("direction", ["sqlite->postgres", "postgres->sqlite"])
async def test_export_then_import_into_the_other_backend_gives_identical_streams(
    direction: str, sqlite_url: str, postgres_url: str
) -> None:
    source, target = (sqlite_url, postgres_url) if direction.startswith("sqlite") else (postgres_url, sqlite_url)
    original = await _fill(source)
    buffer = io.BytesIO()
    store = await open_store(source)
    try:
        assert await export_jsonl(store, buffer) == 60
    finally:
        await store.close()
    target_store = await open_store(target)
    try:
        report = await import_jsonl(target_store, buffer.getvalue().splitlines(keepends=True))
        assert (report.imported, report.skipped) == (60, 0)
        assert [_identity(e) for e in await target_store.read_all(0, 1000)] == original
        again = await import_jsonl(target_store, buffer.getvalue().splitlines())
        assert (again.imported, again.skipped) == (0, 60)
        assert await target_store.head() == 60
        reexported = io.BytesIO()
        await export_jsonl(target_store, reexported)
        assert reexported.getvalue() == buffer.getvalue()
    finally:
        await target_store.close()


async def test_tenant_export_holds_only_that_tenant(store_url: str) -> None:
    await _fill(store_url)
    store = await open_store(store_url)
    try:
        buffer = io.BytesIO()
        assert await export_jsonl(store, buffer, tenant_id="alpha") == 30
        lines = [msgspec.json.decode(line) for line in buffer.getvalue().splitlines()]
        assert {line["tenant_id"] for line in lines} == {"alpha"}
        assert lines[0]["data"] == msgspec.json.decode(msgspec.json.encode(lines[0]["data"]))
    finally:
        await store.close()


async def test_import_refuses_a_different_event_at_a_taken_version(store_url: str, tmp_path: Path) -> None:
    foreign = io.BytesIO()
    other = await open_store(f"sqlite:///{tmp_path / 'foreign.db'}")
    try:
        await other.append("stream-0", [_event(2, "x")])
        await export_jsonl(other, foreign)
    finally:
        await other.close()
    store = await open_store(store_url)
    try:
        await store.append("stream-0", [_event(1, "x")])
        with pytest.raises(ImportConflict, match="stream-0 v1 holds event"):
            await import_jsonl(store, foreign.getvalue().splitlines())
        with pytest.raises(ImportConflict, match="line 1"):
            await import_jsonl(store, [b"not json\n"])
        assert await store.head() == 1
    finally:
        await store.close()


def test_timestamps_round_trip_to_the_microsecond() -> None:
    for value in (0, 1, 1_795_322_885_507_472, 1_795_322_885_000_000):
        assert parse_timestamp(format_timestamp(value)) == value
    assert format_timestamp(1_795_322_885_507_472) == "2026-11-22T04:48:05.507472Z"
