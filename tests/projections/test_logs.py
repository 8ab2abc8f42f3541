"""The log record each event implies: the contract's shape, every event type covered, no secrets."""

from __future__ import annotations

import msgspec
import pytest

from eventstore import RecordedEvent
from projections.base import Fact
from projections.logs import LogRecord, LogsProjection, log_record
from twin.events import (
    ALL_EVENTS,
    ApiKeyIssued,
    ApiKeyRevoked,
    DeploymentInitialized,
    OperationRecorded,
    Resource,
    TenantCreated,
)

FIELDS = ["timestamp", "twin", "tenant_id", "correlation_id", "plane", "operation", "resource", "outcome", "reason"]


def _fact(event: msgspec.Struct, tenant_id: str = "t1", position: int = 7) -> Fact:
    recorded = RecordedEvent(
        position=position,
        stream_id="s",
        stream_version=1,
        event_id="e",
        type=type(event).__struct_config__.tag,  # type: ignore[arg-type]
        schema_version=1,
        tenant_id=tenant_id,
        correlation_id="req_1",
        causation_id="",
        recorded_at_us=1_763_800_000_123_456,
        data=msgspec.json.encode(event),
        metadata=b"{}",
    )
    return Fact(recorded, event)


def test_every_event_type_is_covered_by_the_log_view() -> None:
    tags = {event_type.__struct_config__.tag for event_type in ALL_EVENTS}
    assert tags == LogsProjection.event_types, "a new event type needs its log record (projections/logs.py)"


def test_records_have_the_contract_shape() -> None:
    record = log_record(_fact(TenantCreated("t1", "acme", "scrypt$SECRET", "2026")))
    assert record is not None
    encoded = msgspec.json.decode(msgspec.json.encode(record))
    assert [*encoded] == [*FIELDS, "details"]
    assert encoded["timestamp"] == "2025-11-22T08:26:40.123Z"
    assert encoded["twin"] == "anthropic"
    assert encoded["resource"] == {"type": "tenant", "id": "t1"}
    assert encoded["outcome"] == "success"
    assert encoded["reason"] is None


@pytest.mark.parametrize(
    ("event", "secret"),
    [
        (TenantCreated("t1", "acme", "scrypt$1$2$3$SALT$DIGEST", "2026"), "DIGEST"),
        (ApiKeyIssued("k", "t1", "ci", "KEYHASH", "sk-ant-twin01-…abcd", "2026"), "KEYHASH"),
        (DeploymentInitialized("org", "SIGNINGKEY"), "SIGNINGKEY"),
    ],
)
def test_secrets_never_reach_a_record(event: msgspec.Struct, secret: str) -> None:
    record = log_record(_fact(event))
    assert record is not None
    assert secret not in msgspec.json.encode(record).decode()


def test_admin_revocations_are_the_operators_records() -> None:
    by_admin = log_record(_fact(ApiKeyRevoked("k", "t1", "2026", "admin")))
    by_tenant = log_record(_fact(ApiKeyRevoked("k", "t1", "2026", "tenant")))
    assert by_admin is not None
    assert by_tenant is not None
    assert by_admin.tenant_id == "__operator_admin__"
    assert by_admin.details["key_tenant_id"] == "t1"
    assert by_tenant.tenant_id == "t1"


def test_operation_records_pass_through() -> None:
    event = OperationRecorded(
        plane="data",
        operation="auth.api_key.validate",
        outcome="failure",
        reason="authentication_error: invalid x-api-key",
        resource=Resource("api_key", "k"),
        details={"status": 401},
    )
    record = log_record(_fact(event, tenant_id=""))
    assert record == LogRecord(
        timestamp="2025-11-22T08:26:40.123Z",
        tenant_id="",
        correlation_id="req_1",
        plane="data",
        operation="auth.api_key.validate",
        resource={"type": "api_key", "id": "k"},
        outcome="failure",
        reason="authentication_error: invalid x-api-key",
        details={"status": 401},
    )
