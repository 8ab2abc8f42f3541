"""Everything a worker runs while it serves: the store, the views, and how requests record events.

`Runtime.start(settings)` opens the event store and the view database, makes sure the
deployment's shared facts exist, loads the in-memory views and starts following the store,
sets up the durable views and starts the projection runner. `stop()` undoes it in reverse.
"""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Sequence

import msgspec

from eventstore import (
    ANY,
    NO_STREAM,
    Codec,
    EventStore,
    Expected,
    RecordedEvent,
    ViewDatabase,
    WrongExpectedVersion,
    open_store,
    open_views,
)
from projections.base import Fact
from projections.clock import TenantClock
from projections.codec import twin_codec
from projections.directory import Directory
from projections.faults import FaultBook
from projections.memory import MemoryViews
from projections.prompt_cache import PromptCacheView
from projections.registry import durable_projections
from projections.runner import ProjectionRunner
from projections.tenant_settings import TenantSettings

from .config import Settings
from .events import DeploymentInitialized

log = logging.getLogger("twin")


class Runtime:
    def __init__(
        self,
        settings: Settings,
        store: EventStore,
        views: ViewDatabase,
        codec: Codec,
        deployment: DeploymentInitialized,
        memory: MemoryViews,
        projections: ProjectionRunner,
        *,
        directory: Directory,
        fault_book: FaultBook,
        clock: TenantClock,
        prompt_cache: PromptCacheView,
        tenant_settings: TenantSettings,
    ) -> None:
        self.settings = settings
        self.store = store
        self.views = views
        self.codec = codec
        self.deployment = deployment
        self.directory = directory
        self.fault_book = fault_book
        self.clock = clock
        self.prompt_cache = prompt_cache
        self.tenant_settings = tenant_settings
        self.memory = memory
        self.projections = projections

    @classmethod
    async def start(cls, settings: Settings) -> Runtime:
        store = await open_store(settings.store)
        try:
            views = await open_views(settings.store)
        except BaseException:
            await store.close()
            raise
        codec = twin_codec()
        try:
            deployment, created_at = await _ensure_deployment(store, codec)
            directory = Directory(implicit_default=not settings.hosted, default_created_at=created_at)
            fault_book = FaultBook()
            clock = TenantClock()
            tenant_settings = TenantSettings()
            prompt_cache = PromptCacheView(clock)
            memory = MemoryViews(store, codec, [directory, fault_book, clock, prompt_cache, tenant_settings])
            await memory.refresh()
            projections = ProjectionRunner(store, views, durable_projections(), codec)
            await projections.setup()
        except BaseException:
            await views.close()
            await store.close()
            raise
        memory.start()
        if settings.projector != "process":  # else `twin project` applies them beside the workers
            projections.start()
        return cls(
            settings,
            store,
            views,
            codec,
            deployment,
            memory,
            projections,
            directory=directory,
            fault_book=fault_book,
            clock=clock,
            prompt_cache=prompt_cache,
            tenant_settings=tenant_settings,
        )

    async def stop(self) -> None:
        await self.projections.stop()
        await self.memory.stop()
        await self.store.close()
        await self.views.close()

    async def record(
        self,
        stream_id: str,
        events: Sequence[msgspec.Struct],
        *,
        tenant_id: str,
        correlation_id: str,
        expected_version: Expected = ANY,
    ) -> list[RecordedEvent]:
        """Append the events of one operation, durably, before anything is answered."""
        new_events = [
            self.codec.new_event(event, tenant_id=tenant_id, correlation_id=correlation_id) for event in events
        ]
        recorded = await self.store.append(stream_id, new_events, expected_version)
        self.memory.observe([Fact(item, event) for item, event in zip(recorded, events, strict=True)])
        return recorded


async def _ensure_deployment(store: EventStore, codec: Codec) -> tuple[DeploymentInitialized, str]:
    """The deployment's shared facts; the first worker to start creates them, the others read them."""
    from .clock import rfc3339

    for _ in range(2):
        existing = await store.read_stream("deployment", 1, 1)
        if existing:
            return codec.decode(existing[0]), rfc3339(existing[0].recorded_at_us)
        facts = DeploymentInitialized(organization_id=str(uuid.uuid4()), signing_key=secrets.token_hex(32))
        try:
            (recorded,) = await store.append("deployment", [codec.new_event(facts)], NO_STREAM)
        except WrongExpectedVersion:
            continue
        return facts, rfc3339(recorded.recorded_at_us)
    raise RuntimeError("could not read or create the deployment record")
