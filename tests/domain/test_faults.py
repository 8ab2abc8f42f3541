"""The `x-twin-fault` header and what each fault answers (real statuses, messages, retry headers)."""

from __future__ import annotations

import pytest

from twin.domain.faults import STATUS, answer, applies, parse_fault_header
from twin.events import FaultRule
from twin.wire.errors import ApiError

ORG = "36562039-1ae4-48e6-ae28-1e517e3d2d12"


def test_header_with_options() -> None:
    rule = parse_fault_header("rate_limit_error; retry_after=3; delay_ms=20; message=Slow down")
    assert (rule.error, rule.retry_after, rule.delay_ms, rule.message) == ("rate_limit_error", 3, 20, "Slow down")


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("teapot", "unknown error type"),
        ("api_error; colour=red", "unknown option"),
        ("api_error; retry_after=soon", "non-negative integer"),
        ("api_error; after_events=0", "after_events must be"),
        ("api_error; delay_ms=999999999", "delay_ms must be"),
    ],
)
def test_bad_headers_are_400s(value: str, fragment: str) -> None:
    with pytest.raises(ApiError) as caught:
        parse_fault_header(value)
    assert caught.value.status == 400
    assert caught.value.error_type == "invalid_request_error"
    assert fragment in caught.value.message


@pytest.mark.parametrize("kind", sorted(STATUS))
def test_every_fault_answers_the_real_status_and_retry_hint(kind: str) -> None:
    result = answer(FaultRule(rule_id="r", error=kind), ORG)  # type: ignore[arg-type]
    assert (result.error.status, result.error.error_type) == (STATUS[kind], kind)
    retry = dict(result.headers)[b"x-should-retry"]
    assert retry == (b"true" if STATUS[kind] == 429 or STATUS[kind] >= 500 else b"false")


def test_real_default_messages() -> None:
    assert answer(FaultRule(rule_id="r", error="overloaded_error"), ORG).error.message == "Overloaded"
    assert answer(FaultRule(rule_id="r", error="api_error"), ORG).error.message == "Internal server error"
    limited = answer(FaultRule(rule_id="r", error="rate_limit_error", retry_after=2), ORG)
    assert f"your organization ({ORG})" in limited.error.message
    assert dict(limited.headers)[b"retry-after"] == b"2"


def test_rules_match_by_operation_and_model() -> None:
    rule = FaultRule(rule_id="r", error="api_error", operations=["messages.create"], model="claude-sonnet-4-5")
    assert applies(rule, "messages.create", "claude-sonnet-4-5")
    assert not applies(rule, "messages.count_tokens", "claude-sonnet-4-5")
    assert not applies(rule, "messages.create", "claude-opus-4-8")
    assert applies(FaultRule(rule_id="r", error="api_error"), "models.list", None)
