"""Tenant settings (e.g. `timing_profile`), in memory in every worker.

Folds `tenant.settings.changed`: keys named in an event take its value, a None value removes
the key, keys not named keep theirs. Values stay plain JSON data here; the twin interprets them
(projections import no domain code).
"""

from __future__ import annotations

from typing import Any

from twin.events import TenantSettingsChanged

from .base import Fact, MemoryView

_EMPTY: dict[str, Any] = {}


class TenantSettings(MemoryView):
    event_types = frozenset({"tenant.settings.changed"})

    def __init__(self) -> None:
        self.by_tenant: dict[str, dict[str, Any]] = {}

    def apply(self, fact: Fact) -> None:
        event = fact.event
        if not isinstance(event, TenantSettingsChanged):
            return
        current = dict(self.by_tenant.get(event.tenant_id, _EMPTY))
        for key, value in event.settings.items():
            if value is None:
                current.pop(key, None)
            else:
                current[key] = value
        if current:
            self.by_tenant[event.tenant_id] = current  # replaced, never mutated: readers may hold the old dict
        else:
            self.by_tenant.pop(event.tenant_id, None)

    def of(self, tenant_id: str) -> dict[str, Any]:
        """The tenant's settings (empty if none); do not mutate."""
        return self.by_tenant.get(tenant_id, _EMPTY)

    def get(self, tenant_id: str, key: str) -> Any:
        settings = self.by_tenant.get(tenant_id)
        return None if settings is None else settings.get(key)
