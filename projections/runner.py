"""Runs durable projections: setup, background application, catch-up on read, rebuild.

Safety across processes: every batch is applied in a view transaction that first locks the
checkpoint rows of the projections it advances (PostgreSQL `FOR UPDATE`, always in name order;
SQLite's `BEGIN IMMEDIATE` locks the whole view file), reads the checkpoints, applies the events
after them and moves them. So any number of runners may race and each event is still applied
exactly once. For efficiency one process per deployment (the holder of an advisory lock)
applies in the background; every process can `catch_up()` on its own, which is how a read sees
the writes made before it.

One pass serves many projections: those whose checkpoints are close read the store once (the
union of their event types, from the lowest checkpoint), each event is decoded once, and each
projection gets the facts of its own types after its own checkpoint, all in one transaction.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterable, Sequence

from eventstore import Codec, EventStore, RecordedEvent, StoreError, ViewDatabase, ViewTransaction

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
            for name in sorted(self.projections):  # the order `_advance` locks checkpoints in
                projection = self.projections[name]
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
    async def _advance(self, names: Sequence[str], head: int) -> bool:
        """Apply one batch to each of the projections `names` that is behind `head` (a position the
        store has reached); True if there may be more to apply."""
        async with self.views.transaction() as tx:
            checkpoints = await self._lock_checkpoints(tx, names)
            behind = {name: position for name, position in checkpoints.items() if position < head}
            for name in checkpoints.keys() - behind.keys():
                self._positions[name] = checkpoints[name]
            if not behind:
                return False
            if 0 in behind.values():  # the first events a view takes: remember which store they come from
                await tx.execute(
                    "UPDATE view_source SET store_identity = $1 WHERE singleton = 1 AND store_identity = ''",
                    await self._store_identity(),
                )
            more = False
            moved: dict[str, int] = {}
            for group in self._passes(behind):
                more |= await self._apply_pass(tx, group, head, moved)
            await tx.executemany(
                "UPDATE view_checkpoints SET position = $1 WHERE name = $2",
                [(position, name) for name, position in moved.items()],
            )
        self._positions.update(moved)
        return more

    async def _lock_checkpoints(self, tx: ViewTransaction, names: Sequence[str]) -> dict[str, int]:
        """The checkpoints of `names`, their rows locked (in name order, so runners never deadlock)."""
        ordered = sorted(names)
        placeholders = ", ".join(f"${i}" for i in range(1, len(ordered) + 1))
        rows = await tx.fetch(
            f"SELECT name, position FROM view_checkpoints WHERE name IN ({placeholders})"
            f" ORDER BY name{self._for_update}",
            *ordered,
        )
        checkpoints = {name: int(position) for name, position in rows}
        for name in ordered:
            if name not in checkpoints:
                raise StoreError(f"view {name} is not set up")
        return checkpoints

    def _passes(self, behind: dict[str, int]) -> list[dict[str, int]]:
        """Group the projections behind into reads of the store: a projection joins the pass of the
        lowest checkpoint within one batch of its own, so views far apart (one being rebuilt) each
        read only what they need and advance side by side."""
        passes: list[dict[str, int]] = []
        for name in sorted(behind, key=behind.__getitem__):
            if passes and behind[name] < min(passes[-1].values()) + self.batch_size:
                passes[-1][name] = behind[name]
            else:
                passes.append({name: behind[name]})
        return passes

    async def _apply_pass(self, tx: ViewTransaction, group: dict[str, int], head: int, moved: dict[str, int]) -> bool:
        """Read one batch after the lowest checkpoint of `group`, apply it to each projection of the
        group and record their new positions in `moved`; True if the batch was full."""
        start = min(group.values())
        types = frozenset().union(*(self.projections[name].event_types for name in group))
        events = await self._read(start, types)
        facts = [Fact(e, self.codec.decode(e)) for e in events if e.type in types]
        complete = len(events) < self.batch_size
        end = (max(head, events[-1].position) if complete else events[-1].position) if events else head
        for name, checkpoint in group.items():
            projection = self.projections[name]
            wants_all = checkpoint == start and projection.event_types >= types
            mine = facts if wants_all else _facts_after(facts, checkpoint, projection.event_types)
            if mine:
                await projection.apply(tx, mine)
            moved[name] = max(checkpoint, end)
        return not complete

    async def _read(self, start: int, types: frozenset[str]) -> list[RecordedEvent]:
        """One batch of events after `start`, at least those of `types` (maybe others too: the caller
        filters). When `types` covers every type the codec knows, the store is read unfiltered, in
        position order, which is much cheaper than a filter on many types (SQLite reads those through
        its type index and sorts every remaining event of them by position)."""
        wanted = None if types >= self.codec.type_names else types
        return await self.store.read_all(start, self.batch_size, types=wanted)

    async def catch_up(self, names: Iterable[str] | None = None) -> None:
        """Bring the views up to the store's head as of this call (read-your-writes)."""
        target = await self.store.head()
        wanted = [name for name in (list(names or ()) or self.projections) if self._positions[name] < target]
        if not wanted:
            return
        async with self._holding(wanted):
            while True:
                due = [name for name in wanted if self._positions[name] < target]
                if not due or not await self._advance(due, target):
                    return

    async def rebuild(self, names: Iterable[str] | None = None) -> None:
        """Throw the views away and fold every event again."""
        wanted = list(names or ()) or list(self.projections)
        async with self._holding(wanted):
            async with self.views.transaction() as tx:
                for name in sorted(wanted):
                    await self._reset(tx, self.projections[name])
            head = await self.store.head()
            while await self._advance(wanted, head):
                pass

    @contextlib.asynccontextmanager
    async def _holding(self, names: Iterable[str]) -> AsyncIterator[None]:
        """This process's locks of the projections `names`, taken in name order (no deadlock)."""
        async with contextlib.AsyncExitStack() as stack:
            for name in sorted(set(names)):
                await stack.enter_async_context(self._locks[name])
            yield

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


def _facts_after(facts: list[Fact], checkpoint: int, types: frozenset[str]) -> list[Fact]:
    """The facts of `types` after `checkpoint`."""
    return [fact for fact in facts if fact.recorded.position > checkpoint and fact.recorded.type in types]
