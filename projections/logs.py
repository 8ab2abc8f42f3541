"""The log view: the normative log record of the twin plane contract, derived from events alone.

Each domain event implies its record (`tenant.created` -> `twin.tenant.create`, `message.created`
-> `data.messages.create`, ...); `operation.recorded` is the record of everything else (reads and
every failure, on both surfaces). One record per event, whose id is the event's position: stable
across rebuilds and imports into the same store, increasing, and the paging cursor.

    {"timestamp", "twin": "anthropic", "tenant_id", "correlation_id", "plane", "operation",
     "resource": {"type", "id"} | null, "outcome": "success" | "failure", "reason", "details"}

`tenant_id` is the event's tenant, `"__operator_admin__"` for the operator admin's own actions,
and `""` when no tenant is known. Secrets never reach a record: events carry hashes at most,
and the hashes (and the deployment's signing key) are left out here too.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from eventstore import ViewDatabase, ViewTransaction
from twin.events import (
    ApiKeyIssued,
    ApiKeyRevoked,
    DeploymentInitialized,
    FaultInjected,
    FaultsConfigured,
    FeedbackSubmitted,
    MessageCreated,
    OperationRecorded,
    TenantClockAdvanced,
    TenantCreated,
    TenantSettingsChanged,
    TokensCounted,
)

from .base import Fact, Projection
from .paging import Filters, Page, Window, clean_str, read_page, rfc3339

TWIN = "anthropic"
ADMIN_TENANT = "__operator_admin__"

OUTCOMES = ("success", "failure")


class LogRecord(msgspec.Struct, frozen=True, kw_only=True):
    """The normative record, fields in the contract's order."""

    timestamp: str
    twin: str = TWIN
    tenant_id: str
    correlation_id: str
    plane: str
    operation: str
    resource: dict[str, str] | None = None
    outcome: str = "success"
    reason: str | None = None
    details: dict[str, Any] = {}


def _resource(kind: str, ident: str) -> dict[str, str]:
    return {"type": kind, "id": ident}


def log_record(fact: Fact) -> LogRecord | None:
    """The record an event implies (None for events that are not operations)."""
    recorded, event = fact.recorded, fact.event
    base: dict[str, Any] = {
        "timestamp": rfc3339(recorded.recorded_at_us),
        "tenant_id": recorded.tenant_id,
        "correlation_id": recorded.correlation_id,
    }
    if isinstance(event, OperationRecorded):
        resource = _resource(event.resource.type, event.resource.id) if event.resource is not None else None
        return LogRecord(
            **base,
            plane=event.plane,
            operation=event.operation,
            resource=resource,
            outcome=event.outcome,
            reason=event.reason if event.outcome == "failure" else None,
            details=dict(event.details),
        )
    if isinstance(event, MessageCreated):
        details = {
            "api_key_id": event.api_key_id,
            "model": event.model,
            "stream": event.stream,
            "api_version": event.api_version,
            "betas": list(event.betas),
            "path": event.path,
            "stop_reason": event.stop_reason,
            "usage": {
                "input_tokens": event.input_tokens,
                "output_tokens": event.output_tokens,
                "cache_read_input_tokens": event.cache_read_input_tokens,
                "cache_creation_input_tokens": event.cache_creation_input_tokens,
            },
        }
        return LogRecord(
            **base,
            plane="data",
            operation="data.messages.create",
            resource=_resource("message", event.message_id),
            details=details,
        )
    if isinstance(event, TokensCounted):
        details = {
            "api_key_id": event.api_key_id,
            "model": event.model,
            "api_version": event.api_version,
            "betas": list(event.betas),
            "path": event.path,
            "input_tokens": event.input_tokens,
        }
        return LogRecord(**base, plane="data", operation="data.messages.count_tokens", details=details)
    if isinstance(event, TenantCreated):
        return LogRecord(
            **base,
            plane="twin",
            operation="twin.tenant.create",
            resource=_resource("tenant", event.tenant_id),
            details={"friendly_name": event.friendly_name},
        )
    if isinstance(event, ApiKeyIssued):
        return LogRecord(
            **base,
            plane="twin",
            operation="twin.account.create",
            resource=_resource("api_key", event.api_key_id),
            details={"kind": "api_key", "friendly_name": event.friendly_name, "key_hint": event.key_hint},
        )
    if isinstance(event, ApiKeyRevoked):
        if event.revoked_by == "admin":
            base["tenant_id"] = ADMIN_TENANT
        return LogRecord(
            **base,
            plane="twin",
            operation="twin.account.revoke",
            resource=_resource("api_key", event.api_key_id),
            details={"revoked_by": event.revoked_by, "key_tenant_id": event.tenant_id},
        )
    if isinstance(event, FeedbackSubmitted):
        return LogRecord(
            **base,
            plane="twin",
            operation="twin.feedback.create",
            resource=_resource("feedback", event.feedback_id),
            details={"category": event.category, "body_chars": len(event.body)},
        )
    if isinstance(event, TenantClockAdvanced):
        return LogRecord(
            **base,
            plane="twin",
            operation="twin.clock.advance",
            resource=_resource("tenant", event.tenant_id),
            details={"advanced_by_ms": event.advanced_by_ms},
        )
    if isinstance(event, TenantSettingsChanged):
        return LogRecord(
            **base,
            plane="twin",
            operation="twin.tenant.settings.update",
            resource=_resource("tenant", event.tenant_id),
            details={"settings": dict(event.settings)},
        )
    if isinstance(event, FaultsConfigured):
        return LogRecord(
            **base,
            plane="twin",
            operation="twin.faults.configure" if event.rules else "twin.faults.clear",
            resource=_resource("tenant", event.tenant_id),
            details={"rules": [{"rule_id": r.rule_id, "error": r.error, "times": r.times} for r in event.rules]},
        )
    if isinstance(event, FaultInjected):
        return LogRecord(
            **base,
            plane="runtime",
            operation="runtime.fault.inject",
            resource=_resource("fault_rule", event.rule_id),
            details={"operation": event.operation},
        )
    if isinstance(event, DeploymentInitialized):
        return LogRecord(
            **base,
            plane="runtime",
            operation="runtime.deployment.initialize",
            details={"organization_id": event.organization_id},
        )
    return None


_encoder = msgspec.json.Encoder()


class LogsProjection(Projection):
    """`v_logs`: id (= event position), filter columns, and the record as JSON text."""

    name = "logs"
    version = 3
    event_types = frozenset(
        {
            "operation.recorded",
            "message.created",
            "tokens.counted",
            "tenant.created",
            "api_key.issued",
            "api_key.revoked",
            "feedback.submitted",
            "tenant.clock.advanced",
            "tenant.settings.changed",
            "tenant.faults.configured",
            "tenant.fault.injected",
            "deployment.initialized",
        }
    )
    tables = ("v_logs",)
    columns = ("id", "tenant_id", "correlation_id", "operation", "outcome", "recorded_at_us", "entry")

    def schema(self, dialect: str) -> list[str]:
        return [
            """
            CREATE TABLE v_logs (
                id             BIGINT PRIMARY KEY,
                tenant_id      TEXT NOT NULL,
                correlation_id TEXT NOT NULL,
                operation      TEXT NOT NULL,
                outcome        TEXT NOT NULL,
                recorded_at_us BIGINT NOT NULL,
                entry          TEXT NOT NULL
            )
            """,
            "CREATE INDEX v_logs_by_tenant ON v_logs (tenant_id, id)",
            "CREATE INDEX v_logs_by_correlation ON v_logs (correlation_id)",
        ]

    async def apply(self, tx: ViewTransaction, facts: Sequence[Fact]) -> None:
        rows: list[tuple[Any, ...]] = []
        for fact in facts:
            record = log_record(fact)
            if record is None:
                continue
            rows.append(
                (
                    fact.recorded.position,
                    clean_str(record.tenant_id),
                    clean_str(record.correlation_id),
                    clean_str(record.operation),
                    clean_str(record.outcome),
                    fact.recorded.recorded_at_us,
                    _encoder.encode(record).decode(),
                )
            )
        if rows:
            await tx.executemany(
                "INSERT INTO v_logs (id, tenant_id, correlation_id, operation, outcome, recorded_at_us, entry)"
                " VALUES ($1, $2, $3, $4, $5, $6, $7)",
                rows,
            )

    async def page(
        self,
        db: ViewDatabase,
        window: Window,
        *,
        tenant_id: str | None = None,
        operation: str | None = None,
        outcome: str | None = None,
        since_us: int | None = None,
        correlation_id: str | None = None,
    ) -> Page:
        filters = Filters()
        if tenant_id is not None:
            filters.add("tenant_id = ?", tenant_id)
        if operation is not None:
            if operation.endswith("*"):
                prefix = operation[:-1]
                filters.add("substr(operation, 1, ?) = ?", len(prefix), prefix)
            else:
                filters.add("operation = ?", operation)
        if outcome is not None:
            filters.add("outcome = ?", outcome)
        if since_us is not None:
            filters.add("recorded_at_us >= ?", since_us)
        if correlation_id is not None:
            filters.add("correlation_id = ?", correlation_id)
        return await read_page(db, "v_logs", self.columns, "id", filters, window)
