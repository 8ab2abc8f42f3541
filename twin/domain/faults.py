"""Failures on demand: what a scripted or requested fault answers. Pure; no I/O.

A fault comes from a tenant's script (`PUT /_twin/faults`, consumed one use at a time) or from
one request's `x-twin-fault` header, e.g.

    x-twin-fault: overloaded_error
    x-twin-fault: rate_limit_error; retry_after=3
    x-twin-fault: api_error; after_events=4          (a stream that breaks after 4 events)
    x-twin-fault: overloaded_error; delay_ms=250; message=Busy

Each error answers with the real status, envelope type and default message (reference §13),
`x-should-retry: true` where the real API retries (429, 5xx, 529) and `false` otherwise, and
`retry-after` when asked for, so that a client's retry branches run exactly as against the
real service.
"""

from __future__ import annotations

from typing import get_args

import msgspec

from twin.events import FaultKind, FaultRule
from twin.wire.errors import ApiError, invalid_request

FAULT_HEADER = "x-twin-fault"
MAX_DELAY_MS = 600_000
MAX_RETRY_AFTER = 86_400
OPERATIONS = ("messages.create", "messages.count_tokens", "models.list", "models.get")

STATUS: dict[str, int] = {
    "invalid_request_error": 400,
    "authentication_error": 401,
    "billing_error": 402,
    "permission_error": 403,
    "not_found_error": 404,
    "request_too_large": 413,
    "rate_limit_error": 429,
    "api_error": 500,
    "timeout_error": 504,
    "overloaded_error": 529,
}

_RATE_LIMIT_MESSAGE = (
    "This request would exceed the rate limit for your organization ({org}) of 40,000 input tokens per minute. "
    "For details, refer to: https://docs.anthropic.com/en/api/rate-limits. You can see the response headers for "
    "current usage. Please reduce the prompt length or the maximum tokens requested, or try again later. You may "
    "also contact sales at https://www.anthropic.com/contact-sales to discuss your options for a rate limit increase."
)

DEFAULT_MESSAGES: dict[str, str] = {
    "invalid_request_error": "Invalid request",
    "authentication_error": "Authentication error",
    "billing_error": "Billing error",
    "permission_error": "Your API key does not have permission to use the specified resource.",
    "not_found_error": "Not found",
    "request_too_large": "Request exceeds the maximum allowed number of bytes.",
    "rate_limit_error": _RATE_LIMIT_MESSAGE,
    "api_error": "Internal server error",
    "timeout_error": "Request timeout",
    "overloaded_error": "Overloaded",
}


class FaultAnswer(msgspec.Struct, frozen=True):
    """How to fail: the error, its extra headers, and where (up front, or after N stream events)."""

    rule: FaultRule
    error: ApiError
    headers: tuple[tuple[bytes, bytes], ...]

    @property
    def after_events(self) -> int | None:
        return self.rule.after_events

    @property
    def delay_ms(self) -> int:
        return self.rule.delay_ms


def applies(rule: FaultRule, operation: str, model: str | None) -> bool:
    if rule.operations and operation not in rule.operations:
        return False
    return rule.model is None or rule.model == model


def answer(rule: FaultRule, organization_id: str) -> FaultAnswer:
    message = rule.message or DEFAULT_MESSAGES[rule.error].format(org=organization_id)
    status = STATUS[rule.error]
    headers: list[tuple[bytes, bytes]] = [(b"x-should-retry", b"true" if status == 429 or status >= 500 else b"false")]
    if rule.retry_after is not None:
        headers.append((b"retry-after", str(rule.retry_after).encode()))
    return FaultAnswer(rule, ApiError(status, rule.error, message), tuple(headers))


def check_rule(rule: FaultRule) -> str | None:
    """Why a scripted rule is unacceptable, or None."""
    if not 1 <= rule.times <= 1_000_000:
        return "times must be between 1 and 1000000"
    unknown = [operation for operation in rule.operations if operation not in OPERATIONS]
    if unknown:
        return f"unknown operation {unknown[0]!r}; expected one of {', '.join(OPERATIONS)}"
    if rule.retry_after is not None and not 0 <= rule.retry_after <= MAX_RETRY_AFTER:
        return f"retry_after must be between 0 and {MAX_RETRY_AFTER} seconds"
    if rule.after_events is not None and not 1 <= rule.after_events <= 10_000:
        return "after_events must be between 1 and 10000"
    if not 0 <= rule.delay_ms <= MAX_DELAY_MS:
        return f"delay_ms must be between 0 and {MAX_DELAY_MS}"
    if rule.message is not None and not 0 < len(rule.message) <= 2048:
        return "message must be 1 to 2048 characters"
    return None


def parse_fault_header(value: str) -> FaultRule:
    """The fault one request asks for with `x-twin-fault`; a 400 naming the problem otherwise."""
    kind, *options = (part.strip() for part in value.split(";"))
    if kind not in get_args(FaultKind):
        raise invalid_request(f"{FAULT_HEADER}: unknown error type {kind!r}; expected one of {', '.join(STATUS)}")
    fields: dict[str, object] = {"rule_id": "request", "error": kind}
    for option in options:
        if not option:
            continue
        name, equals, raw = option.partition("=")
        name, raw = name.strip(), raw.strip()
        if not equals or name not in ("retry_after", "after_events", "delay_ms", "message"):
            raise invalid_request(f"{FAULT_HEADER}: unknown option {option!r}")
        if name == "message":
            fields[name] = raw
            continue
        if not raw.isdigit():
            raise invalid_request(f"{FAULT_HEADER}: {name} must be a non-negative integer")
        fields[name] = int(raw)
    rule = msgspec.convert(fields, FaultRule)
    problem = check_rule(rule)
    if problem is not None:
        raise invalid_request(f"{FAULT_HEADER}: {problem}")
    return rule
