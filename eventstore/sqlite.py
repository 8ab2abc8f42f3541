"""SQLite backend: the embedded default.

Writes go through ONE connection per process (see `_Writer`): each group-committed batch is one
transaction (`BEGIN IMMEDIATE`, read head and stream versions, insert, `COMMIT`), run on the
event loop's own thread when the database's write lock is free, else handed to a writer thread
that waits for the lock off the loop. Reads go through a few aiosqlite connections (WAL lets
them run beside the writer). Positions are assigned explicitly under the write lock from
MAX(position) + 1, so they are contiguous and in commit order even when several processes write
the same file (SQLite serializes writers on its database lock). Other processes' appends are
noticed by polling; this process's own appends wake readers at once.

`synchronous=FULL` (the default) makes every acknowledged batch survive power loss; NORMAL
survives a killed process but not a power cut.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
from collections.abc import Callable, Collection, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any, TypeVar

import aiosqlite

from ._batch import COLUMNS, Append, Outcome, Row, plan_batch, record_from_row
from .contract import EventStore
from .envelope import RecordedEvent, now_us
from .errors import SchemaVersionMismatch, StoreClosed, StoreError, StoreUnavailable

SCHEMA_VERSION = 1

_MIGRATIONS: dict[int, list[str]] = {
    1: [
        """
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
            data            BLOB    NOT NULL,
            metadata        BLOB    NOT NULL,
            UNIQUE (stream_id, stream_version)
        )
        """,
        "CREATE INDEX es_events_by_tenant ON es_events (tenant_id, position)",
        "CREATE INDEX es_events_by_type ON es_events (type, position)",
        # For people auditing with the sqlite3 shell: data and metadata as JSON text.
        f"""
        CREATE VIEW es_events_json AS
        SELECT {COLUMNS.replace("data, metadata", "CAST(data AS TEXT) AS data, CAST(metadata AS TEXT) AS metadata")}
        FROM es_events
        """,
    ],
}

_ROW_PLACEHOLDERS = "(?,?,?,?,?,?,?,?,?,?,?,?)"
#: Rows per INSERT statement: a batch goes in a few multi-row statements instead of one statement per
#: row, because the sqlite3 module releases and re-takes the GIL around every statement step, and
#: under load each re-take waits for the event loop thread to let go of the GIL.
_CHUNKS = (256, 64, 16, 4, 1)
_INSERTS = {
    size: f"INSERT INTO es_events ({COLUMNS}) VALUES {','.join([_ROW_PLACEHOLDERS] * size)}" for size in _CHUNKS
}
_SELECT = f"SELECT {COLUMNS} FROM es_events"

T = TypeVar("T")


def _translate(exc: BaseException) -> StoreError:
    if isinstance(exc, StoreError):
        return exc
    return StoreUnavailable(f"sqlite: {exc}")


class _Writer:
    """The process's one writing connection.

    A batch is committed on the event loop's own thread (`try_here`) when the database's write
    lock is free: the transaction is a few statements and, with `synchronous=FULL`, one fsync,
    and running it in place avoids two thread hand-offs per batch, each of which waits for the
    busy event loop to let go of the GIL (measured: a 90-event batch took ~18 ms of wall time
    through a thread, ~2 ms of it working). When another process holds the lock, the batch goes
    to the writer thread instead (`call`), which waits for the lock without blocking the loop.
    The caller serializes all use of the connection.
    """

    def __init__(self, path: str, synchronous: str) -> None:
        self._path = path
        self._synchronous = synchronous
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="eventstore-sqlite-writer")
        self._connection: sqlite3.Connection | None = None

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            # set-up may wait for another process's lock, as `call` does; then `try_here` never waits
            connection = sqlite3.connect(self._path, isolation_level=None, timeout=10.0, check_same_thread=False)
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute(f"PRAGMA synchronous = {self._synchronous}")
            connection.execute("PRAGMA busy_timeout = 0")
            self._connection = connection
        return self._connection

    def try_here(self, function: Callable[[sqlite3.Connection], T]) -> T | None:
        """Run `function` on this thread if the database is not locked by another connection
        (None if it is: nothing was done). Never waits for a lock."""
        try:
            return function(self._connect())
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
                return None
            raise

    async def call(self, function: Callable[[sqlite3.Connection], T]) -> T:
        """Run `function` in the writer thread, waiting up to 10 s for the database's locks."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, self._run, function)

    def _run(self, function: Callable[[sqlite3.Connection], T]) -> T:
        connection = self._connect()
        connection.execute("PRAGMA busy_timeout = 10000")
        try:
            return function(connection)
        finally:
            connection.execute("PRAGMA busy_timeout = 0")

    async def close(self) -> None:
        def close(connection: sqlite3.Connection) -> None:
            connection.close()
            self._connection = None

        with contextlib.suppress(Exception):
            if self._connection is not None:
                await self.call(close)
        self._executor.shutdown(wait=False)


def _migrate(connection: sqlite3.Connection, path: str) -> None:
    connection.execute("BEGIN IMMEDIATE")
    try:
        connection.execute("CREATE TABLE IF NOT EXISTS es_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        row = connection.execute("SELECT value FROM es_meta WHERE key = 'schema_version'").fetchone()
        current = int(row[0]) if row else 0
        if current > SCHEMA_VERSION:
            raise SchemaVersionMismatch(
                f"{path} has event-store schema {current}; this code knows up to {SCHEMA_VERSION}"
            )
        for version in range(current + 1, SCHEMA_VERSION + 1):
            for statement in _MIGRATIONS[version]:
                connection.execute(statement)
        connection.execute(
            "INSERT INTO es_meta (key, value) VALUES ('schema_version', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(SCHEMA_VERSION),),
        )
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def _commit_batch(connection: sqlite3.Connection, appends: list[Append]) -> tuple[list[Outcome], bool]:
    """One transaction for the whole batch (see `_Writer` for the thread it runs on)."""
    streams = list({append.stream_id for append in appends})
    connection.execute("BEGIN IMMEDIATE")
    try:
        placeholders = ",".join("?" * len(streams))
        rows = connection.execute(
            "SELECT NULL, COALESCE(MAX(position), 0) FROM es_events UNION ALL "
            f"SELECT stream_id, MAX(stream_version) FROM es_events WHERE stream_id IN ({placeholders}) "
            "GROUP BY stream_id",
            streams,
        ).fetchall()
        head = rows[0][1]
        versions = {stream_id: version for stream_id, version in rows[1:]}
        outcomes, new_rows, _ = plan_batch(appends, versions, head, now_us())
        _insert(connection, new_rows)
        connection.execute("COMMIT")
    except BaseException:
        if connection.in_transaction:
            connection.execute("ROLLBACK")
        raise
    return outcomes, bool(new_rows)


def _insert(connection: sqlite3.Connection, rows: list[Row]) -> None:
    """Insert rows with as few statement steps as the fixed chunk sizes allow (see `_CHUNKS`)."""
    start = 0
    for size in _CHUNKS:
        statement = _INSERTS[size]
        while len(rows) - start >= size:
            chunk = rows[start : start + size]
            connection.execute(statement, [value for row in chunk for value in row])
            start += size


class SQLiteEventStore(EventStore):
    """Event store in one SQLite file. Open with `await SQLiteEventStore.open(path)`."""

    backend = "sqlite"

    def __init__(self, path: str, *, synchronous: str = "FULL", readers: int = 2, **options: Any) -> None:
        super().__init__(**options)
        self.path = path
        self._writer = _Writer(path, synchronous)
        self._writer_lock = asyncio.Lock()
        self._reader_count = max(1, readers)
        self._readers: asyncio.Queue[aiosqlite.Connection] = asyncio.Queue()
        self._all_readers: list[aiosqlite.Connection] = []

    @classmethod
    async def open(cls, path: str, **options: Any) -> SQLiteEventStore:
        store = cls(path, **options)
        try:
            await store._open()
        except BaseException as exc:
            await store._close_backend()
            if not isinstance(exc, Exception):
                raise
            raise _translate(exc) from exc
        if store._committer is not None:
            store._committer.start()
        return store

    async def _open(self) -> None:
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        await self._writer.call(lambda connection: _migrate(connection, self.path))
        for _ in range(self._reader_count):
            connection = aiosqlite.connect(self.path, isolation_level=None)
            # aiosqlite's worker thread is not a daemon: a worker killed without lifespan
            # shutdown would hang on it. Readers hold nothing that needs a clean close.
            connection._thread.daemon = True
            reader = await connection
            await reader.execute("PRAGMA busy_timeout = 10000")
            self._all_readers.append(reader)
            self._readers.put_nowait(reader)

    # ------------------------------------------------------------------ writing
    async def _write_batch(self, appends: list[Append]) -> list[Outcome]:
        async with self._writer_lock:
            commit = partial(_commit_batch, appends=appends)
            try:
                done = self._writer.try_here(commit)
                if done is None:  # another process holds the write lock: wait for it off the loop
                    done = await self._writer.call(commit)
                outcomes, wrote = done
            except Exception as exc:
                raise _translate(exc) from exc
        if wrote:
            self._notify_appended()
        return outcomes

    # ------------------------------------------------------------------ reading
    async def _fetch(self, sql: str, parameters: Sequence[Any]) -> list[Any]:
        if self._closed:
            raise StoreClosed("the store is closed")
        reader = await self._readers.get()
        try:
            return list(await reader.execute_fetchall(sql, parameters))
        except Exception as exc:
            raise _translate(exc) from exc
        finally:
            self._readers.put_nowait(reader)

    async def read_stream(self, stream_id: str, from_version: int = 1, limit: int | None = None) -> list[RecordedEvent]:
        rows = await self._fetch(
            f"{_SELECT} WHERE stream_id = ? AND stream_version >= ? ORDER BY stream_version LIMIT ?",
            (stream_id, from_version, -1 if limit is None else limit),
        )
        return [record_from_row(row) for row in rows]

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
        return [record_from_row(row) for row in rows]

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
        readers = list(self._all_readers)
        self._all_readers.clear()
        for reader in readers:
            with contextlib.suppress(Exception):
                await reader.close()
        await self._writer.close()
