"""PostgreSQL backend (asyncpg).

Positions are commit-ordered across processes by a counter row: a writer locks `es_head`
(`SELECT ... FOR UPDATE`), reads the versions of its batch's streams (a fresh snapshot, taken
after the lock was granted), inserts its rows numbered from head + 1 in one
`INSERT ... SELECT FROM unnest(...)`, moves the head and commits; all of it is one call of the
`es_append_batch` function, i.e. one round trip and one implicit transaction per batch. The next writer cannot
number anything before that commit is visible, so positions are contiguous and a reader that
sees position p can already see everything below p. (A bigserial would not do: a lower id can
commit after a higher one.) NOTIFY, sent in the same transaction, only wakes readers; they
always re-read from their own position.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Collection
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import asyncpg

from ._batch import COLUMNS, Append, Outcome, describe_expected, record_from_row, recorded_event
from .contract import EventStore
from .envelope import ANY, NO_STREAM, STREAM_EXISTS, ExpectedVersion, NewEvent, RecordedEvent
from .errors import (
    InvalidStoreURL,
    SchemaVersionMismatch,
    StoreClosed,
    StoreError,
    StoreUnavailable,
    WrongExpectedVersion,
)

SCHEMA_VERSION = 1

_MIGRATIONS: dict[int, list[str]] = {
    1: [
        """
        CREATE TABLE es_events (
            position        bigint  PRIMARY KEY,
            stream_id       text    NOT NULL,
            stream_version  bigint  NOT NULL,
            event_id        text    NOT NULL,
            type            text    NOT NULL,
            schema_version  integer NOT NULL,
            tenant_id       text    NOT NULL,
            correlation_id  text    NOT NULL,
            causation_id    text    NOT NULL,
            recorded_at_us  bigint  NOT NULL,
            data            bytea   NOT NULL,
            metadata        bytea   NOT NULL,
            UNIQUE (stream_id, stream_version)
        )
        """,
        "CREATE INDEX es_events_by_tenant ON es_events (tenant_id, position)",
        "CREATE INDEX es_events_by_type ON es_events (type, position)",
        "CREATE TABLE es_head (id integer PRIMARY KEY CHECK (id = 1), position bigint NOT NULL)",
        "INSERT INTO es_head (id, position) VALUES (1, 0)",
        # The whole group-committed batch in one statement, one round trip: lock the head row
        # (this serializes writers of every process and makes positions commit-ordered), check
        # each append's expected version (reading stream versions after the lock was granted:
        # a volatile function takes a fresh snapshot per statement), insert the accepted events
        # numbered from head + 1, move the head and NOTIFY. One result row per append:
        # (ok, version after it or actual version if refused, first position, commit time).
        # Expected-version codes: -1 any, -2 no stream, -3 stream exists, n >= 0 exactly n.
        """
        CREATE FUNCTION es_append_batch(
            a_streams text[], a_expected bigint[], a_counts integer[],
            e_ids text[], e_types text[], e_schema_versions integer[], e_tenants text[],
            e_correlations text[], e_causations text[], e_recorded bigint[], e_data bytea[], e_metadata bytea[],
            p_channel text
        ) RETURNS TABLE (ok boolean, version bigint, first_position bigint, recorded_at_us bigint)
        LANGUAGE plpgsql VOLATILE AS $$
        DECLARE
            head bigint;
            now_us bigint := (extract(epoch FROM clock_timestamp()) * 1000000)::bigint;
            seen jsonb := '{}';
            current_version bigint;
            wanted bigint;
            n integer;
            next_event integer := 1;
            take_index integer[] := '{}';
            take_position bigint[] := '{}';
            take_version bigint[] := '{}';
            take_stream text[] := '{}';
        BEGIN
            SELECT h.position INTO head FROM es_head h WHERE h.id = 1 FOR UPDATE;
            recorded_at_us := now_us;
            FOR i IN 1 .. coalesce(array_length(a_streams, 1), 0) LOOP
                n := a_counts[i];
                wanted := a_expected[i];
                IF seen ? a_streams[i] THEN
                    current_version := (seen ->> a_streams[i])::bigint;
                ELSE
                    SELECT coalesce(max(e.stream_version), 0) INTO current_version
                    FROM es_events e WHERE e.stream_id = a_streams[i];
                END IF;
                IF wanted = -1 OR (wanted = -2 AND current_version = 0) OR (wanted = -3 AND current_version > 0)
                   OR wanted = current_version THEN
                    FOR k IN 0 .. n - 1 LOOP
                        take_index := take_index || (next_event + k);
                        take_position := take_position || (head + 1 + k);
                        take_version := take_version || (current_version + 1 + k);
                        take_stream := take_stream || a_streams[i];
                    END LOOP;
                    ok := true;
                    first_position := head + 1;
                    head := head + n;
                    current_version := current_version + n;
                    seen := seen || jsonb_build_object(a_streams[i], current_version);
                ELSE
                    ok := false;
                    first_position := NULL;
                END IF;
                version := current_version;
                next_event := next_event + n;
                RETURN NEXT;
            END LOOP;
            IF coalesce(array_length(take_index, 1), 0) > 0 THEN
                INSERT INTO es_events (position, stream_id, stream_version, event_id, type, schema_version,
                                       tenant_id, correlation_id, causation_id, recorded_at_us, data, metadata)
                SELECT take_position[t.o], take_stream[t.o], take_version[t.o], e_ids[t.i], e_types[t.i],
                       e_schema_versions[t.i], e_tenants[t.i], e_correlations[t.i], e_causations[t.i],
                       coalesce(e_recorded[t.i], now_us), e_data[t.i], e_metadata[t.i]
                FROM unnest(take_index) WITH ORDINALITY AS t(i, o);
                UPDATE es_head SET position = head WHERE id = 1;
                PERFORM pg_notify(p_channel, head::text);
            END IF;
        END $$
        """,
        # For people auditing with psql: data and metadata as json.
        f"""
        CREATE VIEW es_events_json AS
        SELECT {COLUMNS.replace("data, metadata", "convert_from(data, 'UTF8')::json AS data, convert_from(metadata, 'UTF8')::json AS metadata")}
        FROM es_events
        """,
    ],
}

_APPEND_BATCH = (
    "SELECT ok, version, first_position, recorded_at_us FROM es_append_batch("
    "$1::text[], $2::bigint[], $3::integer[], $4::text[], $5::text[], $6::integer[], $7::text[], "
    "$8::text[], $9::text[], $10::bigint[], $11::bytea[], $12::bytea[], $13)"
)
_EXPECTED_CODES = {ANY: -1, NO_STREAM: -2, STREAM_EXISTS: -3}
_SELECT = f"SELECT {COLUMNS} FROM es_events"
_MIGRATION_LOCK_KEY = 0x6576656E7473  # "events"


def _translate(exc: BaseException) -> StoreError:
    if isinstance(exc, StoreError):
        return exc
    return StoreUnavailable(f"postgres: {exc}")


def parse_postgres_url(url: str) -> tuple[str, str]:
    """Split our own `schema=` option off a postgresql:// URL; return (dsn, schema)."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        raise InvalidStoreURL(f"not a PostgreSQL URL: {parts.scheme}://...")
    query = parse_qsl(parts.query, keep_blank_values=True)
    schema = "public"
    kept = []
    for key, value in query:
        if key == "schema":
            schema = value
        else:
            kept.append((key, value))
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", schema):
        raise InvalidStoreURL(f"schema must be a lowercase SQL identifier, got {schema!r}")
    return urlunsplit(parts._replace(query=urlencode(kept))), schema


class PostgresEventStore(EventStore):
    """Event store in a PostgreSQL schema. Open with `await PostgresEventStore.open(url)`."""

    backend = "postgres"

    def __init__(self, url: str, *, pool_size: int = 4, **options: Any) -> None:
        super().__init__(**options)
        self.dsn, self.schema = parse_postgres_url(url)
        self._pool_size = max(1, pool_size)
        self._server_settings = {"search_path": self.schema, "application_name": "twin-eventstore"}
        self._pool: asyncpg.Pool | None = None
        self._writer: asyncpg.Connection | None = None
        self._listener: asyncpg.Connection | None = None
        self._writer_lock = asyncio.Lock()
        self.channel = f"es_appended_{self.schema}"[:63]

    @classmethod
    async def open(cls, url: str, **options: Any) -> PostgresEventStore:
        store = cls(url, **options)
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

    async def _connect(self) -> asyncpg.Connection:
        return await asyncpg.connect(self.dsn, server_settings=self._server_settings)

    async def _open(self) -> None:
        bootstrap = await asyncpg.connect(self.dsn)
        try:
            await self._migrate(bootstrap)
        finally:
            await bootstrap.close()
        size = self._pool_size if self.group_commit else self._pool_size * 4
        self._pool = await asyncpg.create_pool(
            self.dsn, min_size=1, max_size=size, server_settings=self._server_settings
        )
        self._writer = await self._connect()
        await self._listen()

    async def _migrate(self, connection: asyncpg.Connection) -> None:
        async with connection.transaction():
            await connection.execute("SELECT pg_advisory_xact_lock($1)", _MIGRATION_LOCK_KEY)
            await connection.execute(f'CREATE SCHEMA IF NOT EXISTS "{self.schema}"')
            await connection.execute(f'SET LOCAL search_path TO "{self.schema}"')
            await connection.execute("CREATE TABLE IF NOT EXISTS es_meta (key text PRIMARY KEY, value text NOT NULL)")
            value = await connection.fetchval("SELECT value FROM es_meta WHERE key = 'schema_version'")
            current = int(value) if value is not None else 0
            if current > SCHEMA_VERSION:
                raise SchemaVersionMismatch(
                    f"schema {self.schema!r} has event-store schema {current}; this code knows up to {SCHEMA_VERSION}"
                )
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for statement in _MIGRATIONS[version]:
                    await connection.execute(statement)
            await connection.execute(
                "INSERT INTO es_meta (key, value) VALUES ('schema_version', $1) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                str(SCHEMA_VERSION),
            )

    async def _listen(self) -> None:
        """LISTEN on a dedicated connection; if it drops, readers fall back to polling until it is back."""
        with contextlib.suppress(Exception):
            listener = await self._connect()
            await listener.add_listener(self.channel, self._on_notify)
            listener.add_termination_listener(self._on_listener_lost)
            self._listener = listener

    def _on_notify(self, *_: object) -> None:
        self._notify_appended()

    def _on_listener_lost(self, *_: object) -> None:
        self._listener = None
        if not self._closed:
            asyncio.get_running_loop().call_later(1.0, lambda: asyncio.ensure_future(self._listen()))

    # ------------------------------------------------------------------ writing
    async def _write_batch(self, appends: list[Append]) -> list[Outcome]:
        try:
            if self._committer is not None:
                async with self._writer_lock:
                    if self._writer is None or self._writer.is_closed():
                        self._writer = await self._connect()
                    outcomes, wrote = await self._transaction(self._writer, appends)
            else:
                if self._pool is None:
                    raise StoreClosed("the store is closed")
                async with self._pool.acquire() as connection:
                    outcomes, wrote = await self._transaction(connection, appends)
        except Exception as exc:
            raise _translate(exc) from exc
        if wrote:
            self._notify_appended()
        return outcomes

    async def _transaction(self, connection: asyncpg.Connection, appends: list[Append]) -> tuple[list[Outcome], bool]:
        streams: list[str] = []
        expected: list[int] = []
        counts: list[int] = []
        columns: list[list[Any]] = [[] for _ in range(9)]
        for append in appends:
            streams.append(append.stream_id)
            expected.append(
                _EXPECTED_CODES[append.expected] if isinstance(append.expected, ExpectedVersion) else append.expected
            )
            counts.append(len(append.events))
            for event in append.events:
                for column, value in zip(columns, _event_columns(event), strict=True):
                    column.append(value)
        rows = await connection.fetch(_APPEND_BATCH, streams, expected, counts, *columns, self.channel)
        outcomes: list[Outcome] = []
        wrote = False
        for append, (ok, version, first_position, recorded_at_us) in zip(appends, rows, strict=True):
            if not ok:
                outcomes.append(WrongExpectedVersion(append.stream_id, describe_expected(append.expected), version))
                continue
            first_version = version - len(append.events) + 1
            outcomes.append(
                [
                    recorded_event(append.stream_id, event, first_position + k, first_version + k, recorded_at_us)
                    for k, event in enumerate(append.events)
                ]
            )
            wrote = wrote or bool(append.events)
        return outcomes, wrote

    # ------------------------------------------------------------------ reading
    async def _fetch(self, sql: str, *parameters: Any) -> list[Any]:
        if self._closed or self._pool is None:
            raise StoreClosed("the store is closed")
        try:
            return list(await self._pool.fetch(sql, *parameters))
        except Exception as exc:
            raise _translate(exc) from exc

    async def read_stream(self, stream_id: str, from_version: int = 1, limit: int | None = None) -> list[RecordedEvent]:
        rows = await self._fetch(
            f"{_SELECT} WHERE stream_id = $1 AND stream_version >= $2 ORDER BY stream_version LIMIT $3",
            stream_id,
            from_version,
            limit,
        )
        return [record_from_row(tuple(row)) for row in rows]

    async def read_all(
        self,
        after_position: int = 0,
        limit: int = 1000,
        *,
        tenant_id: str | None = None,
        types: Collection[str] | None = None,
    ) -> list[RecordedEvent]:
        where = ["position > $1"]
        parameters: list[Any] = [after_position]
        if tenant_id is not None:
            parameters.append(tenant_id)
            where.append(f"tenant_id = ${len(parameters)}")
        if types is not None:
            names = list(types)
            if not names:
                return []
            parameters.append(names)
            where.append(f"type = ANY(${len(parameters)}::text[])")
        parameters.append(limit)
        rows = await self._fetch(
            f"{_SELECT} WHERE {' AND '.join(where)} ORDER BY position LIMIT ${len(parameters)}", *parameters
        )
        return [record_from_row(tuple(row)) for row in rows]

    async def head(self) -> int:
        rows = await self._fetch("SELECT position FROM es_head WHERE id = 1")
        return int(rows[0][0])

    async def stream_version(self, stream_id: str) -> int:
        rows = await self._fetch(
            "SELECT COALESCE(max(stream_version), 0) FROM es_events WHERE stream_id = $1", stream_id
        )
        return int(rows[0][0])

    # ------------------------------------------------------------------ lifecycle
    async def _close_backend(self) -> None:
        listener, writer, pool = self._listener, self._writer, self._pool
        self._listener = self._writer = self._pool = None
        for connection in (listener, writer):
            if connection is not None:
                with contextlib.suppress(Exception):
                    await asyncio.wait_for(connection.close(), 5)
        if pool is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(pool.close(), 5)


def _event_columns(event: NewEvent) -> tuple[Any, ...]:
    return (
        event.event_id,
        event.type,
        event.schema_version,
        event.tenant_id,
        event.correlation_id,
        event.causation_id,
        event.recorded_at_us,
        event.data,
        event.metadata,
    )
