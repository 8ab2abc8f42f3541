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

from collections.abc import Callable, Sequence
from typing import Any

import msgspec

from eventstore import RecordedEvent, ViewDatabase, ViewTransaction
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


def log_record(fact: Fact) -> LogRecord | None:
    """The record an event implies (None for events that are not operations)."""
    build = _BUILDERS.get(type(fact.event))
    return None if build is None else build(fact.recorded, fact.event)


def _record(
    recorded: RecordedEvent,
    plane: str,
    operation: str,
    resource: dict[str, str] | None,
    details: dict[str, Any],
    *,
    tenant_id: str | None = None,
    outcome: str = "success",
    reason: str | None = None,
) -> LogRecord:
    """The record of `recorded`: its time, tenant (unless `tenant_id` overrides it) and correlation."""
    return LogRecord(
        timestamp=rfc3339(recorded.recorded_at_us),
        tenant_id=recorded.tenant_id if tenant_id is None else tenant_id,
        correlation_id=recorded.correlation_id,
        plane=plane,
        operation=operation,
        resource=resource,
        outcome=outcome,
        reason=reason,
        details=details,
    )


def _resource(kind: str, ident: str) -> dict[str, str]:
    return {"type": kind, "id": ident}


def _operation_recorded(recorded: RecordedEvent, event: OperationRecorded) -> LogRecord:
    resource = _resource(event.resource.type, event.resource.id) if event.resource is not None else None
    reason = event.reason if event.outcome == "failure" else None
    details = dict(event.details)
    return _record(recorded, event.plane, event.operation, resource, details, outcome=event.outcome, reason=reason)


def _message_created(recorded: RecordedEvent, event: MessageCreated) -> LogRecord:
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
    return _record(recorded, "data", "data.messages.create", _resource("message", event.message_id), details)


def _tokens_counted(recorded: RecordedEvent, event: TokensCounted) -> LogRecord:
    details = {
        "api_key_id": event.api_key_id,
        "model": event.model,
        "api_version": event.api_version,
        "betas": list(event.betas),
        "path": event.path,
        "input_tokens": event.input_tokens,
    }
    return _record(recorded, "data", "data.messages.count_tokens", None, details)


def _tenant_created(recorded: RecordedEvent, event: TenantCreated) -> LogRecord:
    resource = _resource("tenant", event.tenant_id)
    return _record(recorded, "twin", "twin.tenant.create", resource, {"friendly_name": event.friendly_name})


def _api_key_issued(recorded: RecordedEvent, event: ApiKeyIssued) -> LogRecord:
    details = {"kind": "api_key", "friendly_name": event.friendly_name, "key_hint": event.key_hint}
    return _record(recorded, "twin", "twin.account.create", _resource("api_key", event.api_key_id), details)


def _api_key_revoked(recorded: RecordedEvent, event: ApiKeyRevoked) -> LogRecord:
    details = {"revoked_by": event.revoked_by, "key_tenant_id": event.tenant_id}
    return _record(
        recorded,
        "twin",
        "twin.account.revoke",
        _resource("api_key", event.api_key_id),
        details,
        tenant_id=ADMIN_TENANT if event.revoked_by == "admin" else None,
    )


def _feedback_submitted(recorded: RecordedEvent, event: FeedbackSubmitted) -> LogRecord:
    details = {"category": event.category, "body_chars": len(event.body)}
    return _record(recorded, "twin", "twin.feedback.create", _resource("feedback", event.feedback_id), details)


def _clock_advanced(recorded: RecordedEvent, event: TenantClockAdvanced) -> LogRecord:
    details = {"advanced_by_ms": event.advanced_by_ms}
    return _record(recorded, "twin", "twin.clock.advance", _resource("tenant", event.tenant_id), details)


def _settings_changed(recorded: RecordedEvent, event: TenantSettingsChanged) -> LogRecord:
    details = {"settings": dict(event.settings)}
    return _record(recorded, "twin", "twin.tenant.settings.update", _resource("tenant", event.tenant_id), details)


def _faults_configured(recorded: RecordedEvent, event: FaultsConfigured) -> LogRecord:
    operation = "twin.faults.configure" if event.rules else "twin.faults.clear"
    details = {"rules": [{"rule_id": r.rule_id, "error": r.error, "times": r.times} for r in event.rules]}
    return _record(recorded, "twin", operation, _resource("tenant", event.tenant_id), details)


def _fault_injected(recorded: RecordedEvent, event: FaultInjected) -> LogRecord:
    details = {"operation": event.operation}
    return _record(recorded, "runtime", "runtime.fault.inject", _resource("fault_rule", event.rule_id), details)


def _deployment_initialized(recorded: RecordedEvent, event: DeploymentInitialized) -> LogRecord:
    details = {"organization_id": event.organization_id}
    return _record(recorded, "runtime", "runtime.deployment.initialize", None, details)


_BUILDERS: dict[type, Callable[[RecordedEvent, Any], LogRecord]] = {
    OperationRecorded: _operation_recorded,
    MessageCreated: _message_created,
    TokensCounted: _tokens_counted,
    TenantCreated: _tenant_created,
    ApiKeyIssued: _api_key_issued,
    ApiKeyRevoked: _api_key_revoked,
    FeedbackSubmitted: _feedback_submitted,
    TenantClockAdvanced: _clock_advanced,
    TenantSettingsChanged: _settings_changed,
    FaultsConfigured: _faults_configured,
    FaultInjected: _fault_injected,
    DeploymentInitialized: _deployment_initialized,
}


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
