"""Every event the twin records: frozen msgspec Structs tagged with stable names.

The tag is the event's type name in the store (never a Python path). Evolve a type only by
adding fields with defaults; a breaking change needs a new schema version and an upcaster
(see eventstore.codec). Secrets never appear here: tenant secrets and API keys are stored
only as hashes.

Streams: `deployment` (one-time deployment facts), `tenant-<id>` (a tenant, its keys and
settings), `request-<request id>` (everything one inbound request recorded).
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec

Plane = Literal["twin", "control", "data", "runtime"]
Outcome = Literal["success", "failure"]


class Resource(msgspec.Struct, frozen=True):
    type: str
    id: str


class DeploymentInitialized(msgspec.Struct, frozen=True, tag="deployment.initialized"):
    """Facts every worker of a deployment must share, created once by whichever starts first."""

    organization_id: str
    signing_key: str  # hex; signs thinking blocks so that the twin can verify them when echoed back


class TenantCreated(msgspec.Struct, frozen=True, tag="tenant.created"):
    tenant_id: str
    friendly_name: str
    secret_hash: str  # scrypt, see twin.security; empty for the implicit local `default` tenant
    created_at: str


class ApiKeyIssued(msgspec.Struct, frozen=True, tag="api_key.issued"):
    api_key_id: str
    tenant_id: str
    friendly_name: str
    key_hash: str  # sha256 hex of the key
    key_hint: str  # masked form shown in listings, e.g. "sk-ant-twin-…AbCd"
    created_at: str


class ApiKeyRevoked(msgspec.Struct, frozen=True, tag="api_key.revoked"):
    api_key_id: str
    tenant_id: str
    revoked_at: str
    revoked_by: str  # "tenant" or "admin"


class FeedbackSubmitted(msgspec.Struct, frozen=True, tag="feedback.submitted"):
    feedback_id: str
    body: str
    category: str | None = None
    context: dict[str, Any] | None = None


class CacheEffect(msgspec.Struct, frozen=True, gc=False):
    """A prompt-cache prefix an answer wrote or read; replaying these rebuilds a tenant's cache."""

    prefix_hash: str
    tokens: int
    ttl: Literal["5m", "1h"]
    kind: Literal["write", "read"]


class MessageCreated(msgspec.Struct, frozen=True, tag="message.created"):
    """An accepted POST /v1/messages: the request as received and the Message as answered."""

    message_id: str
    api_key_id: str
    model: str
    stream: bool
    api_version: str
    betas: list[str]
    path: str
    request: msgspec.Raw
    response: msgspec.Raw
    input_tokens: int
    output_tokens: int
    stop_reason: str | None
    cache_read_input_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_effects: list[CacheEffect] = []


class TokensCounted(msgspec.Struct, frozen=True, tag="tokens.counted"):
    """An accepted POST /v1/messages/count_tokens."""

    api_key_id: str
    model: str
    api_version: str
    betas: list[str]
    path: str
    request: msgspec.Raw
    input_tokens: int


class TenantClockAdvanced(msgspec.Struct, frozen=True, tag="tenant.clock.advanced"):
    """The tenant's simulated clock moved forward (tests control prompt-cache TTLs without sleeping).

    The tenant's clock is wall time plus the sum of every `advanced_by_ms` so far.
    """

    tenant_id: str
    advanced_by_ms: int


class TenantSettingsChanged(msgspec.Struct, frozen=True, tag="tenant.settings.changed"):
    """Tenant-level twin settings (e.g. `timing_profile`); keys not named keep their value, None clears."""

    tenant_id: str
    settings: dict[str, Any]


FaultKind = Literal[
    "invalid_request_error",
    "authentication_error",
    "billing_error",
    "permission_error",
    "not_found_error",
    "request_too_large",
    "rate_limit_error",
    "api_error",
    "timeout_error",
    "overloaded_error",
]


class FaultRule(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """One scripted failure: the next `times` matching provider requests fail with `error`.

    `operations` limits it to some operations ("messages.create", "messages.count_tokens",
    "models.list", "models.get"; empty = all); `model` to one model id. `after_events` makes a
    streamed answer break mid-stream with an SSE `error` event after that many events instead
    of failing up front. `retry_after` (seconds) is sent as `retry-after`; `delay_ms` waits
    before answering (a slow upstream); `message` replaces the real default message.
    """

    rule_id: str
    error: FaultKind
    times: int = 1
    operations: list[str] = []
    model: str | None = None
    message: str | None = None
    retry_after: int | None = None
    after_events: int | None = None
    delay_ms: int = 0


class FaultsConfigured(msgspec.Struct, frozen=True, tag="tenant.faults.configured"):
    """The tenant's scripted failures, replacing any earlier script (an empty list clears it)."""

    tenant_id: str
    rules: list[FaultRule]


class FaultInjected(msgspec.Struct, frozen=True, tag="tenant.fault.injected"):
    """One use of a scripted failure, claimed with an expected version so workers never over-inject."""

    tenant_id: str
    rule_id: str
    operation: str
    correlation_id: str


class OperationRecorded(msgspec.Struct, frozen=True, tag="operation.recorded"):
    """Any other operation, on either surface: reads, and every rejected request.

    `reason` is a specific, machine-usable sentence for failures (e.g.
    "invalid_request_error: max_tokens: Field required"); `details` holds extras such as the
    HTTP status, the method and path, or the masked key that was presented.
    """

    plane: Plane
    operation: str
    outcome: Outcome
    reason: str | None = None
    resource: Resource | None = None
    details: dict[str, Any] = {}


ALL_EVENTS: tuple[type[msgspec.Struct], ...] = (
    DeploymentInitialized,
    TenantCreated,
    ApiKeyIssued,
    ApiKeyRevoked,
    FeedbackSubmitted,
    MessageCreated,
    TokensCounted,
    TenantClockAdvanced,
    TenantSettingsChanged,
    FaultsConfigured,
    FaultInjected,
    OperationRecorded,
)
