"""A relational database for read models (views), beside an event store.

Projections keep their tables and checkpoints here and update both in one transaction.
SQL is written once, with `$1, $2, ...` placeholders, in the subset SQLite and PostgreSQL
share (`INSERT ... ON CONFLICT`, `RETURNING`, BIGINT/TEXT/BLOB-ish types); `dialect` tells
the few places that differ. For SQLite the views live in their own file next to the events
(`twin.db` -> `twin.views.db`), so that view updates never hold the lock the hot path's
appends need; for PostgreSQL they live in the store's schema.

`transaction()` is exclusive among view writers of all processes (SQLite `BEGIN IMMEDIATE`;
on PostgreSQL callers lock what they need, e.g. a checkpoint row `FOR UPDATE`).
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import aiosqlite
import asyncpg

from .errors import StoreError, StoreUnavailable
from .factory import split_options, sqlite_path
from .postgres import parse_postgres_url

_PLACEHOLDER = re.compile(r"\$(\d+)")
_PAGE_SIZE = 16384

Row = tuple[Any, ...]
T = TypeVar("T")


class ViewTransaction(abc.ABC):
    """Statements of one view transaction. Writes (`execute`, `executemany`) may be sent to the
    database later, together with the next `fetch` or the commit, so their errors may surface
    there; they always run in the order given, before any later `fetch`."""

    @abc.abstractmethod
    async def execute(self, sql: str, *args: Any) -> None: ...

    @abc.abstractmethod
    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...

    @abc.abstractmethod
    async def fetch(self, sql: str, *args: Any) -> list[Row]: ...

    async def fetchval(self, sql: str, *args: Any) -> Any:
        rows = await self.fetch(sql, *args)
        return rows[0][0] if rows else None


class ViewDatabase(abc.ABC):
    dialect: str

    @abc.abstractmethod
    def transaction(self) -> contextlib.AbstractAsyncContextManager[ViewTransaction]: ...

    @abc.abstractmethod
    async def fetch(self, sql: str, *args: Any) -> list[Row]: ...

    async def fetchval(self, sql: str, *args: Any) -> Any:
        rows = await self.fetch(sql, *args)
        return rows[0][0] if rows else None

    @abc.abstractmethod
    async def try_lock(self, name: str) -> bool:
        """Take a lock held for this process's lifetime (or until `unlock`): leadership, e.g. one
        projection runner per deployment. Always true on SQLite, where one process owns the views."""

    @abc.abstractmethod
    async def close(self) -> None: ...


def _translate(exc: BaseException, backend: str) -> StoreError:
    if isinstance(exc, StoreError):
        return exc
    return StoreUnavailable(f"{backend} views: {exc}")


# ---------------------------------------------------------------------------------- SQLite
class _Write(NamedTuple):
    sql: str
    rows: Sequence[Sequence[Any]]
    many: bool


def _sqlite_sql(sql: str) -> str:
    return _PLACEHOLDER.sub(r"?\1", sql)


def _run(
    connection: sqlite3.Connection, begin: bool, writes: list[_Write], query: tuple[str, Sequence[Any]] | None
) -> list[Row]:
    """In the connection's thread: BEGIN IMMEDIATE if `begin` (its failure is a StoreError), the
    writes in order, then the query's rows (if any)."""
    if begin:
        try:
            connection.execute("BEGIN IMMEDIATE")
        except Exception as exc:
            raise _translate(exc, "sqlite") from exc
    for write in writes:
        if write.many:
            connection.executemany(write.sql, write.rows)
        else:
            connection.execute(write.sql, write.rows[0])
    if query is None:
        return []
    return [tuple(row) for row in connection.execute(*query).fetchall()]


def _commit(connection: sqlite3.Connection, begin: bool, writes: list[_Write]) -> None:
    """In the connection's thread: the last writes, then COMMIT (whose failure is a StoreError)."""
    _run(connection, begin, writes, None)
    try:
        connection.execute("COMMIT")
    except Exception as exc:
        raise _translate(exc, "sqlite") from exc


class _ThreadConnection:
    """A SQLite connection confined to one thread of its own; `call` runs a function on it there."""

    def __init__(self, executor: ThreadPoolExecutor, connection: sqlite3.Connection) -> None:
        self._executor = executor
        self._connection = connection

    @classmethod
    async def open(cls, path: str) -> _ThreadConnection:
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="views-sqlite-writer")
        connect = partial(sqlite3.connect, path, isolation_level=None, timeout=10.0)
        try:
            connection = await asyncio.get_running_loop().run_in_executor(executor, connect)
        except BaseException:
            executor.shutdown(wait=False)
            raise
        return cls(executor, connection)

    async def call(self, function: Callable[[sqlite3.Connection], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, function, self._connection)

    async def execute(self, sql: str) -> None:
        await self.call(lambda connection: connection.execute(sql).fetchall())

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.call(sqlite3.Connection.close)
        self._executor.shutdown(wait=False)


class _SQLiteTransaction(ViewTransaction):
    """BEGIN IMMEDIATE and the writes wait, and go to the connection's thread with the next fetch or
    the commit: one hop for a whole batch of statements instead of one each."""

    def __init__(self, connection: _ThreadConnection) -> None:
        self._connection = connection
        self._begun = False
        self._writes: list[_Write] = []

    async def execute(self, sql: str, *args: Any) -> None:
        self._writes.append(_Write(_sqlite_sql(sql), [args], many=False))

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        self._writes.append(_Write(_sqlite_sql(sql), rows, many=True))

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        begin, writes = self._take()
        return await self._connection.call(partial(_run, begin=begin, writes=writes, query=(_sqlite_sql(sql), args)))

    async def commit(self) -> None:
        begin, writes = self._take()
        await self._connection.call(partial(_commit, begin=begin, writes=writes))

    def _take(self) -> tuple[bool, list[_Write]]:
        """What the next hop sends: whether to BEGIN (not yet done), and the writes so far."""
        taken = (not self._begun, self._writes)
        self._begun, self._writes = True, []
        return taken


class SQLiteViewDatabase(ViewDatabase):
    dialect = "sqlite"

    def __init__(self, path: str) -> None:
        self.path = path
        self._writer: _ThreadConnection | None = None
        self._reader: aiosqlite.Connection | None = None
        self._write_lock = asyncio.Lock()

    @staticmethod
    def path_for(events_path: str) -> str:
        events = Path(events_path)
        return str(events.with_name(f"{events.stem}.views{events.suffix or '.db'}"))

    async def open(self) -> None:
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._writer = await _ThreadConnection.open(self.path)
        # Rows of views are large (a message's request and response; a log record): 16 KiB pages take
        # a third less CPU to write than the 4 KiB default. Applies to a new file only (before WAL).
        await self._writer.execute(f"PRAGMA page_size = {_PAGE_SIZE}")
        await self._writer.execute("PRAGMA journal_mode = WAL")
        await self._writer.execute("PRAGMA synchronous = NORMAL")  # views can always be rebuilt
        self._reader = await self._connect()

    async def _connect(self) -> aiosqlite.Connection:
        connection = aiosqlite.connect(self.path, isolation_level=None)
        connection._thread.daemon = True
        db = await connection
        await db.execute("PRAGMA busy_timeout = 10000")
        return db

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[ViewTransaction]:
        writer = self._writer
        if writer is None:
            raise StoreUnavailable("sqlite views: closed")
        async with self._write_lock:
            transaction = _SQLiteTransaction(writer)
            try:
                yield transaction
                await transaction.commit()
            except BaseException:
                with contextlib.suppress(Exception):  # fails if BEGIN never ran or failed: nothing to undo
                    await writer.execute("ROLLBACK")
                raise

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        if self._reader is None:
            raise StoreUnavailable("sqlite views: closed")
        try:
            rows = await self._reader.execute_fetchall(_PLACEHOLDER.sub(r"?\1", sql), args)
        except Exception as exc:
            raise _translate(exc, "sqlite") from exc
        return [tuple(row) for row in rows]

    async def try_lock(self, name: str) -> bool:
        return True

    async def close(self) -> None:
        if self._reader is not None:
            with contextlib.suppress(Exception):
                await self._reader.close()
        if self._writer is not None:
            await self._writer.close()
        self._reader = self._writer = None


# ------------------------------------------------------------------------------ PostgreSQL
class _PostgresTransaction(ViewTransaction):
    def __init__(self, connection: asyncpg.Connection) -> None:
        self._connection = connection

    async def execute(self, sql: str, *args: Any) -> None:
        await self._connection.execute(sql, *args)

    async def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        await self._connection.executemany(sql, rows)

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        return [tuple(row) for row in await self._connection.fetch(sql, *args)]


class PostgresViewDatabase(ViewDatabase):
    dialect = "postgres"

    def __init__(self, url: str, pool_size: int = 4) -> None:
        self.dsn, self.schema = parse_postgres_url(url)
        self._settings = {"search_path": self.schema, "application_name": "twin-views"}
        self._pool_size = pool_size
        self._pool: asyncpg.Pool | None = None
        self._lock_connection: asyncpg.Connection | None = None
        self._held: set[str] = set()

    async def open(self) -> None:
        bootstrap = await asyncpg.connect(self.dsn)
        try:
            await bootstrap.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')
        except asyncpg.UniqueViolationError:
            pass  # another worker created it at the same moment
        finally:
            await bootstrap.close()
        self._pool = await asyncpg.create_pool(
            self.dsn, min_size=1, max_size=self._pool_size, server_settings=self._settings
        )

    @contextlib.asynccontextmanager
    async def transaction(self) -> AsyncIterator[ViewTransaction]:
        if self._pool is None:
            raise StoreUnavailable("postgres views: closed")
        try:
            connection = await self._pool.acquire()
        except Exception as exc:
            raise _translate(exc, "postgres") from exc
        try:
            transaction = connection.transaction()
            await transaction.start()
            try:
                yield _PostgresTransaction(connection)
            except BaseException:
                with contextlib.suppress(Exception):
                    await transaction.rollback()
                raise
            try:
                await transaction.commit()
            except Exception as exc:
                raise _translate(exc, "postgres") from exc
        finally:
            await self._pool.release(connection)

    async def fetch(self, sql: str, *args: Any) -> list[Row]:
        if self._pool is None:
            raise StoreUnavailable("postgres views: closed")
        try:
            return [tuple(row) for row in await self._pool.fetch(sql, *args)]
        except Exception as exc:
            raise _translate(exc, "postgres") from exc

    async def try_lock(self, name: str) -> bool:
        if name in self._held:
            return True
        try:
            if self._lock_connection is None or self._lock_connection.is_closed():
                self._held.clear()
                self._lock_connection = await asyncpg.connect(self.dsn, server_settings=self._settings)
            key = f"{self.schema}:{name}"
            acquired = await self._lock_connection.fetchval("SELECT pg_try_advisory_lock(hashtext($1))", key)
        except Exception as exc:
            raise _translate(exc, "postgres") from exc
        if acquired:
            self._held.add(name)
        return bool(acquired)

    async def close(self) -> None:
        if self._lock_connection is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._lock_connection.close(), 5)
        if self._pool is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(self._pool.close(), 5)
        self._lock_connection = self._pool = None
        self._held.clear()


async def open_views(store_url: str) -> ViewDatabase:
    """The view database that belongs with the store at `store_url`."""
    database: SQLiteViewDatabase | PostgresViewDatabase
    if "://" not in store_url or store_url.startswith("sqlite:"):
        database = SQLiteViewDatabase(SQLiteViewDatabase.path_for(sqlite_path(store_url)))
    else:
        base, _ = split_options(store_url, {"group_commit", "max_batch", "linger_ms", "poll_interval_ms", "pool_size"})
        database = PostgresViewDatabase(base)
    try:
        await database.open()
    except BaseException as exc:
        await database.close()
        if not isinstance(exc, Exception):
            raise
        raise _translate(exc, database.dialect) from exc
    return database
