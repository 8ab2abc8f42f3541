"""Runs durable projections: setup, background application, catch-up on read, rebuild.

Safety across processes: every batch is applied in a view transaction that first locks the
projection's checkpoint row (PostgreSQL `FOR UPDATE`; SQLite's `BEGIN IMMEDIATE` locks the
whole view file), reads the checkpoint, applies the events after it and moves it. So any
number of runners may race and each event is still applied exactly once. For efficiency one
process per deployment (the holder of an advisory lock) applies in the background; every
process can `catch_up()` on its own, which is how a read sees the writes made before it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterable, Sequence

from eventstore import Codec, EventStore, StoreError, ViewDatabase, ViewTransaction

from .base import Fact, Projection

log = logging.getLogger("twin.projections")

_CHECKPOINTS = """
CREATE TABLE IF NOT EXISTS view_checkpoints (
    name      TEXT PRIMARY KEY,
    position  BIGINT NOT NULL,
    version   INTEGER NOT NULL
)
"""

_SOURCE = """
CREATE TABLE IF NOT EXISTS view_source (
    singleton       INTEGER PRIMARY KEY,
    store_identity  TEXT NOT NULL
)
"""


class ProjectionRunner:
    def __init__(
        self,
        store: EventStore,
        views: ViewDatabase,
        projections: Sequence[Projection],
        codec: Codec,
        *,
        batch_size: int = 1000,
        interval: float = 0.1,
    ) -> None:
        self.store = store
        self.views = views
        self.codec = codec
        self.batch_size = batch_size
        self.interval = interval
        self.projections = {projection.name: projection for projection in projections}
        self._positions = dict.fromkeys(self.projections, -1)
        self._locks = {name: asyncio.Lock() for name in self.projections}
        self._task: asyncio.Task[None] | None = None

    # ------------------------------------------------------------------ setup
    async def setup(self) -> None:
        """Create missing views; drop and rebuild those whose version changed.

        One transaction, serialized across processes (SQLite `BEGIN IMMEDIATE`; on PostgreSQL a
        transaction-level advisory lock), so that workers starting together never race their DDL
        (concurrent `CREATE TABLE IF NOT EXISTS` fails on PostgreSQL) nor reset a view twice.

        Views remember which store they were built from (the id of the store's first event): views
        kept beside a store that was deleted or replaced are rebuilt, never served as they were."""
        identity = await self._store_identity()
        async with self.views.transaction() as tx:
            if self.views.dialect == "postgres":
                await tx.fetch("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':twin-view-setup'))")
            await tx.execute(_CHECKPOINTS)
            await tx.execute(_SOURCE)
            built_from = await tx.fetchval("SELECT store_identity FROM view_source WHERE singleton = 1")
            # views set up over an empty store (identity "") take the identity with their first events
            foreign = bool(built_from) and built_from != identity
            if foreign:
                log.warning("the views were built from another event store; rebuilding them")
            for projection in self.projections.values():
                row = await tx.fetch(
                    f"SELECT position, version FROM view_checkpoints WHERE name = $1{self._for_update}",
                    projection.name,
                )
                if row and row[0][1] == projection.version and not foreign:
                    continue
                await self._reset(tx, projection)
            await tx.execute(
                "INSERT INTO view_source (singleton, store_identity) VALUES (1, $1) "
                "ON CONFLICT (singleton) DO UPDATE SET store_identity = excluded.store_identity",
                identity,
            )

    async def _store_identity(self) -> str:
        first = await self.store.read_all(0, 1)
        return first[0].event_id if first else ""

    @property
    def _for_update(self) -> str:
        return " FOR UPDATE" if self.views.dialect == "postgres" else ""

    async def _reset(self, tx: ViewTransaction, projection: Projection) -> None:
        # Lock the checkpoint row first, as `_advance` does: an applier in another process waits
        # for the reset instead of writing into a table that is being dropped.
        await tx.fetch(f"SELECT position FROM view_checkpoints WHERE name = $1{self._for_update}", projection.name)
        for table in projection.tables:
            await tx.execute(f"DROP TABLE IF EXISTS {table}")
        for statement in projection.schema(self.views.dialect):
            await tx.execute(statement)
        await tx.execute(
            "INSERT INTO view_checkpoints (name, position, version) VALUES ($1, 0, $2) "
            "ON CONFLICT (name) DO UPDATE SET position = 0, version = excluded.version",
            projection.name,
            projection.version,
        )
        self._positions[projection.name] = 0

    # ------------------------------------------------------------------ applying
    async def _advance(self, projection: Projection) -> bool:
        """Apply one batch; True if there may be more to apply."""
        head = await self.store.head()
        async with self.views.transaction() as tx:
            checkpoint = await tx.fetchval(
                f"SELECT position FROM view_checkpoints WHERE name = $1{self._for_update}", projection.name
            )
            if checkpoint is None:
                raise StoreError(f"view {projection.name} is not set up")
            if checkpoint >= head:
                self._positions[projection.name] = checkpoint
                return False
            if checkpoint == 0:  # the first events this view takes: remember which store they come from
                await tx.execute(
                    "UPDATE view_source SET store_identity = $1 WHERE singleton = 1 AND store_identity = ''",
                    await self._store_identity(),
                )
            events = await self.store.read_all(checkpoint, self.batch_size, types=projection.event_types)
            if events:
                await projection.apply(tx, [Fact(e, self.codec.decode(e)) for e in events])
            complete = len(events) < self.batch_size
            position = (
                max(head, events[-1].position) if complete and events else (events[-1].position if events else head)
            )
            await tx.execute("UPDATE view_checkpoints SET position = $1 WHERE name = $2", position, projection.name)
        self._positions[projection.name] = position
        return not complete

    async def catch_up(self, names: Iterable[str] | None = None) -> None:
        """Bring the views up to the store's head as of this call (read-your-writes)."""
        target = await self.store.head()
        for name in names or self.projections:
            if self._positions[name] >= target:
                continue
            async with self._locks[name]:
                while self._positions[name] < target and await self._advance(self.projections[name]):
                    pass

    async def rebuild(self, names: Iterable[str] | None = None) -> None:
        """Throw the views away and fold every event again."""
        for name in names or self.projections:
            projection = self.projections[name]
            async with self._locks[name]:
                async with self.views.transaction() as tx:
                    await self._reset(tx, projection)
                while await self._advance(projection):
                    pass

    # ------------------------------------------------------------------ background
    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name="projection-runner")

    async def _run(self) -> None:
        """Keep the views current in the background, one pass per `interval` at most: a read
        catches its view up itself, so the background work can take bursts of events at once."""
        loop = asyncio.get_running_loop()
        leader = False
        while not self.store.closed:
            token = self.store.change_token()
            started = loop.time()
            try:
                if not leader:
                    leader = await self.views.try_lock("projection-runner")
                if leader:
                    await self.catch_up()
            except asyncio.CancelledError:
                raise
            except Exception:  # keep serving; the next wake-up retries
                log.exception("projection runner failed; retrying")
                await asyncio.sleep(1.0)
            await self.store.wait_for_change(token, None if leader else 2.0)
            await asyncio.sleep(max(0.0, started + self.interval - loop.time()))

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
            self._task = None
