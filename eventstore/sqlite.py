"""SQLite backend (aiosqlite): the embedded default.

One writer connection per process (WAL, `synchronous=FULL`, `BEGIN IMMEDIATE`), fed by the
group committer, plus a few reader connections. Positions are assigned explicitly under the
write lock from MAX(position) + 1, so they are contiguous and in commit order even when several
processes write the same file (SQLite serializes writers on the database lock). Other processes'
appends are noticed by polling; this process's own appends wake readers at once.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

import aiosqlite

from ._batch import COLUMNS, Append, Outcome, plan_batch, record_from_row
from .contract import EventStore
from .envelope import RecordedEvent, now_us
from .errors import SchemaVersionMismatch, StoreClosed, StoreError, StoreUnavailable

SCHEMA_VERSION = 1

_MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE es_events (
        position        INTEGER PRIMARY KEY,
        stream_id       TEXT    NOT NULL,
        stream_version  INTEGER NOT NULL,
        event_id        TEXT    NOT NULL,
        type            TEXT    NOT NULL,
        schema_version  INTEGER NOT NULL,
        tenant_id       TEXT    NOT NULL,
        correlation_id  TEXT    NOT NULL,
        causation_id    TEXT    NOT NULL,
        recorded_at_us  INTEGER NOT NULL,
        data            TEXT    NOT NULL,
        metadata        TEXT    NOT NULL,
        UNIQUE (stream_id, stream_version)
    );
    CREATE INDEX es_events_by_tenant ON es_events (tenant_id, position);
    CREATE INDEX es_events_by_type ON es_events (type, position);
    """,
}

_INSERT = f"INSERT INTO es_events ({COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)"
_SELECT = f"SELECT {COLUMNS} FROM es_events"


def _translate(exc: BaseException) -> StoreError:
    if isinstance(exc, StoreError):
        return exc
    return StoreUnavailable(f"sqlite: {exc}")


class SQLiteEventStore(EventStore):
    """Event store in one SQLite file. Open with `await SQLiteEventStore.open(path)`."""

    backend = "sqlite"

    def __init__(self, path: str, *, synchronous: str = "FULL", readers: int = 2, **options: Any) -> None:
        super().__init__(**options)
        self.path = path
        self._synchronous = synchronous
        self._reader_count = max(1, readers)
        self._writer: aiosqlite.Connection | None = None
        self._writer_lock = asyncio.Lock()
        self._readers: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        self._all_readers: list[aiosqlite.Connection] = []

    @classmethod
    async def open(cls, path: str, **options: Any) -> SQLiteEventStore:
        store = cls(path, **options)
        try:
            await store._open()
        except BaseException as exc:
            await store._close_backend()
            raise _translate(exc) from exc
        if store._committer is not None:
            store._committer.start()
        return store

    async def _connect(self) -> aiosqlite.Connection:
        connection = aiosqlite.connect(self.path, isolation_level=None)
        # aiosqlite's worker thread is not a daemon; a worker killed without lifespan shutdown
        # would hang on it. Every acknowledged append is already committed, so this is safe.
        connection._thread.daemon = True
        db = await connection
        await db.execute("PRAGMA busy_timeout = 10000")
        return db

    async def _open(self) -> None:
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._writer = await self._connect()
        await self._writer.execute("PRAGMA journal_mode = WAL")
        await self._writer.execute(f"PRAGMA synchronous = {self._synchronous}")
        await self._migrate(self._writer)
        for _ in range(self._reader_count):
            reader = await self._connect()
            reader.text_factory = bytes
            self._all_readers.append(reader)
            self._readers.put_nowait(reader)

    async def _migrate(self, db: aiosqlite.Connection) -> None:
        await db.execute("BEGIN IMMEDIATE")
        try:
            await db.execute("CREATE TABLE IF NOT EXISTS es_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
            rows = list(await db.execute_fetchall("SELECT value FROM es_meta WHERE key = 'schema_version'"))
            current = int(rows[0][0]) if rows else 0
            if current > SCHEMA_VERSION:
                raise SchemaVersionMismatch(
                    f"{self.path} has event-store schema {current}; this code knows up to {SCHEMA_VERSION}"
                )
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for statement in _MIGRATIONS[version].split(";"):
                    if statement.strip():
                        await db.execute(statement)
            await db.execute(
                "INSERT INTO es_meta (key, value) VALUES ('schema_version', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(SCHEMA_VERSION),),
            )
            await db.execute("COMMIT")
        except BaseException:
            await db.execute("ROLLBACK")
            raise

    # ------------------------------------------------------------------ writing
    async def _write_batch(self, appends: list[Append]) -> list[Outcome]:
        db = self._writer
        if db is None:
            raise StoreUnavailable("sqlite: the writer connection is not open")
        async with self._writer_lock:
            try:
                outcomes, wrote = await self._transaction(db, appends)
            except BaseException as exc:
                raise _translate(exc) from exc
        if wrote:
            self._notify_appended()
        return outcomes

    async def _transaction(self, db: aiosqlite.Connection, appends: list[Append]) -> tuple[list[Outcome], bool]:
        streams = list({append.stream_id for append in appends})
        await db.execute("BEGIN IMMEDIATE")
        try:
            placeholders = ",".join("?" * len(streams))
            rows = await db.execute_fetchall(
                "SELECT '', COALESCE(MAX(position), 0) FROM es_events UNION ALL "
                f"SELECT stream_id, MAX(stream_version) FROM es_events WHERE stream_id IN ({placeholders}) "
                "GROUP BY stream_id",
                streams,
            )
            it = iter(rows)
            head = next(it)[1]
            versions = {stream_id: version for stream_id, version in it}
            outcomes, new_rows, _ = plan_batch(appends, versions, head, now_us())
            if new_rows:
                await db.executemany(_INSERT, [_text_row(row) for row in new_rows])
            await db.execute("COMMIT")
        except BaseException:
            with contextlib.suppress(sqlite3.Error, ValueError):
                await db.execute("ROLLBACK")
            raise
        return outcomes, bool(new_rows)

    # ------------------------------------------------------------------ reading
    async def _fetch(self, sql: str, parameters: Sequence[Any]) -> list[Any]:
        if self._closed:
            raise StoreClosed("the store is closed")
        reader = await self._readers.get()
        try:
            return list(await reader.execute_fetchall(sql, parameters))
        except BaseException as exc:
            raise _translate(exc) from exc
        finally:
            self._readers.put_nowait(reader)

    async def read_stream(self, stream_id: str, from_version: int = 1, limit: int | None = None) -> list[RecordedEvent]:
        rows = await self._fetch(
            f"{_SELECT} WHERE stream_id = ? AND stream_version >= ? ORDER BY stream_version LIMIT ?",
            (stream_id, from_version, -1 if limit is None else limit),
        )
        return [record_from_row(_decoded(row)) for row in rows]

    async def read_all(
        self,
        after_position: int = 0,
        limit: int = 1000,
        *,
        tenant_id: str | None = None,
        types: Collection[str] | None = None,
    ) -> list[RecordedEvent]:
        where = ["position > ?"]
        parameters: list[Any] = [after_position]
        if tenant_id is not None:
            where.append("tenant_id = ?")
            parameters.append(tenant_id)
        if types is not None:
            names = list(types)
            if not names:
                return []
            where.append(f"type IN ({','.join('?' * len(names))})")
            parameters.extend(names)
        parameters.append(limit)
        rows = await self._fetch(f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY position LIMIT ?", parameters)
        return [record_from_row(_decoded(row)) for row in rows]

    async def head(self) -> int:
        rows = await self._fetch("SELECT COALESCE(MAX(position), 0) FROM es_events", ())
        return int(rows[0][0])

    async def stream_version(self, stream_id: str) -> int:
        rows = await self._fetch(
            "SELECT COALESCE(MAX(stream_version), 0) FROM es_events WHERE stream_id = ?", (stream_id,)
        )
        return int(rows[0][0])

    # ------------------------------------------------------------------ lifecycle
    async def _close_backend(self) -> None:
        connections = [*self._all_readers, *([self._writer] if self._writer else [])]
        self._all_readers.clear()
        self._writer = None
        for connection in connections:
            with contextlib.suppress(Exception):
                await connection.close()


def _text_row(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """Store data and metadata as TEXT so that SQLite's JSON functions work on them."""
    return (*row[:10], row[10].decode(), row[11].decode())


def _decoded(row: Sequence[Any]) -> tuple[Any, ...]:
    """Reader connections return TEXT as bytes; ids and names back to str."""
    return (
        row[0],
        row[1].decode(),
        row[2],
        row[3].decode(),
        row[4].decode(),
        row[5],
        row[6].decode(),
        row[7].decode(),
        row[8].decode(),
        row[9],
        row[10],
        row[11],
    )
