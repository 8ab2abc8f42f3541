"""Tenants and API keys, in memory in every worker: what authentication reads on every request."""

from __future__ import annotations

import msgspec

from twin.events import ApiKeyIssued, ApiKeyRevoked, TenantCreated

from .base import Fact, MemoryView

DEFAULT_TENANT = "default"


class TenantRecord(msgspec.Struct, frozen=True):
    tenant_id: str
    friendly_name: str
    secret_hash: str
    created_at: str


class KeyRecord(msgspec.Struct):
    api_key_id: str
    tenant_id: str
    friendly_name: str
    key_hint: str
    key_hash: str
    created_at: str
    revoked_at: str | None = None
    revoked_by: str | None = None

    @property
    def active(self) -> bool:
        return self.revoked_at is None


class Directory(MemoryView):
    """Tenants by id, keys by hash and by id. In a local deployment the `default` tenant exists
    without ever being created (`implicit_default=True`); a hosted one has no such tenant."""

    event_types = frozenset({"tenant.created", "api_key.issued", "api_key.revoked"})

    def __init__(self, *, implicit_default: bool, default_created_at: str = "1970-01-01T00:00:00.000Z") -> None:
        self.implicit_default = implicit_default
        self._default = TenantRecord(DEFAULT_TENANT, "default", "", default_created_at)
        self.tenants: dict[str, TenantRecord] = {}
        self.keys_by_hash: dict[str, KeyRecord] = {}
        self.keys_by_id: dict[str, KeyRecord] = {}

    def apply(self, fact: Fact) -> None:
        event = fact.event
        if isinstance(event, TenantCreated):
            self.tenants[event.tenant_id] = TenantRecord(
                event.tenant_id, event.friendly_name, event.secret_hash, event.created_at
            )
        elif isinstance(event, ApiKeyIssued):
            record = KeyRecord(
                event.api_key_id,
                event.tenant_id,
                event.friendly_name,
                event.key_hint,
                event.key_hash,
                event.created_at,
            )
            self.keys_by_hash[event.key_hash] = record
            self.keys_by_id[event.api_key_id] = record
        elif isinstance(event, ApiKeyRevoked):
            found = self.keys_by_id.get(event.api_key_id)
            if found is not None and found.revoked_at is None:
                found.revoked_at = event.revoked_at
                found.revoked_by = event.revoked_by

    def tenant(self, tenant_id: str) -> TenantRecord | None:
        if tenant_id == DEFAULT_TENANT:
            return self._default if self.implicit_default else None
        return self.tenants.get(tenant_id)

    def active_key(self, key_hash: str) -> KeyRecord | None:
        record = self.keys_by_hash.get(key_hash)
        return record if record is not None and record.active else None

    def keys_of(self, tenant_id: str) -> list[KeyRecord]:
        return [record for record in self.keys_by_id.values() if record.tenant_id == tenant_id]

    def all_tenants(self) -> list[TenantRecord]:
        tenants = list(self.tenants.values())
        return [self._default, *tenants] if self.implicit_default else tenants
