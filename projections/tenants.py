"""Durable views of tenants and API keys (the in-memory `Directory` serves authentication; these
serve listings, audits and SQL inspection, and survive restarts without a replay)."""

from __future__ import annotations

from collections.abc import Sequence

from eventstore import ViewDatabase, ViewTransaction
from twin.events import ApiKeyIssued, ApiKeyRevoked, TenantCreated

from .base import Fact, Projection
from .paging import Filters, Page, Window, clean_str, read_page


class TenantsProjection(Projection):
    """`v_tenants`: one row per created tenant (the implicit local `default` is never created)."""

    name = "tenants"
    version = 1
    event_types = frozenset({"tenant.created"})
    tables = ("v_tenants",)
    columns = ("position", "tenant_id", "friendly_name", "created_at")

    def schema(self, dialect: str) -> list[str]:
        return [
            """
            CREATE TABLE v_tenants (
                position      BIGINT PRIMARY KEY,
                tenant_id     TEXT NOT NULL,
                friendly_name TEXT NOT NULL,
                created_at    TEXT NOT NULL
            )
            """,
            "CREATE INDEX v_tenants_by_id ON v_tenants (tenant_id)",
        ]

    async def apply(self, tx: ViewTransaction, facts: Sequence[Fact]) -> None:
        rows = [
            (f.recorded.position, clean_str(f.event.tenant_id), clean_str(f.event.friendly_name), f.event.created_at)
            for f in facts
            if isinstance(f.event, TenantCreated)
        ]
        if rows:
            await tx.executemany(
                "INSERT INTO v_tenants (position, tenant_id, friendly_name, created_at) VALUES ($1, $2, $3, $4)",
                rows,
            )

    async def page(self, db: ViewDatabase, tenant_id: str | None, window: Window) -> Page:
        filters = Filters()
        if tenant_id is not None:
            filters.add("tenant_id = ?", tenant_id)
        return await read_page(db, "v_tenants", self.columns, "position", filters, window)


class ApiKeysProjection(Projection):
    """`v_api_keys`: every key ever issued (hash -> tenant, status); never the key itself."""

    name = "api_keys"
    version = 1
    event_types = frozenset({"api_key.issued", "api_key.revoked"})
    tables = ("v_api_keys",)
    columns = (
        "position",
        "api_key_id",
        "tenant_id",
        "friendly_name",
        "key_hint",
        "key_hash",
        "created_at",
        "revoked_at",
        "revoked_by",
    )

    def schema(self, dialect: str) -> list[str]:
        return [
            """
            CREATE TABLE v_api_keys (
                position      BIGINT PRIMARY KEY,
                api_key_id    TEXT NOT NULL,
                tenant_id     TEXT NOT NULL,
                friendly_name TEXT NOT NULL,
                key_hint      TEXT NOT NULL,
                key_hash      TEXT NOT NULL,
                created_at    TEXT NOT NULL,
                revoked_at    TEXT,
                revoked_by    TEXT
            )
            """,
            "CREATE INDEX v_api_keys_by_id ON v_api_keys (api_key_id)",
            "CREATE INDEX v_api_keys_by_hash ON v_api_keys (key_hash)",
            "CREATE INDEX v_api_keys_by_tenant ON v_api_keys (tenant_id, position)",
        ]

    async def apply(self, tx: ViewTransaction, facts: Sequence[Fact]) -> None:
        for fact in facts:  # issue and revoke may alternate within a batch: keep their order
            event = fact.event
            if isinstance(event, ApiKeyIssued):
                await tx.execute(
                    "INSERT INTO v_api_keys (position, api_key_id, tenant_id, friendly_name, key_hint, key_hash,"
                    " created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    fact.recorded.position,
                    clean_str(event.api_key_id),
                    clean_str(event.tenant_id),
                    clean_str(event.friendly_name),
                    clean_str(event.key_hint),
                    clean_str(event.key_hash),
                    clean_str(event.created_at),
                )
            elif isinstance(event, ApiKeyRevoked):
                await tx.execute(
                    "UPDATE v_api_keys SET revoked_at = $1, revoked_by = $2"
                    " WHERE api_key_id = $3 AND revoked_at IS NULL",
                    clean_str(event.revoked_at),
                    clean_str(event.revoked_by),
                    clean_str(event.api_key_id),
                )

    async def page(self, db: ViewDatabase, tenant_id: str | None, window: Window) -> Page:
        filters = Filters()
        if tenant_id is not None:
            filters.add("tenant_id = ?", tenant_id)
        return await read_page(db, "v_api_keys", self.columns, "position", filters, window)
