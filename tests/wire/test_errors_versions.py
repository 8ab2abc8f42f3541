"""ApiError constructors, the envelope's status/type pairs, and the version/beta headers."""

from __future__ import annotations

import pytest

from twin.wire import errors
from twin.wire.errors import ApiError
from twin.wire.pydantic_errors import literal_choices
from twin.wire.versions import parse_betas, resolve_api_version, sampling_params_removed


@pytest.mark.parametrize(
    ("error", "status", "error_type"),
    [
        (errors.invalid_request("x"), 400, "invalid_request_error"),
        (errors.authentication(), 401, "authentication_error"),
        (errors.billing(), 402, "billing_error"),
        (errors.permission("x"), 403, "permission_error"),
        (errors.not_found("model: x"), 404, "not_found_error"),
        (errors.request_too_large(), 413, "request_too_large"),
        (errors.rate_limit("x"), 429, "rate_limit_error"),
        (errors.api_error(), 500, "api_error"),
        (errors.overloaded(), 529, "overloaded_error"),
    ],
)
def test_constructors(error: ApiError, status: int, error_type: str) -> None:
    assert (error.status, error.error_type) == (status, error_type)
    assert isinstance(error, Exception)
    assert error.error_code is None


def test_defaults_are_the_real_messages() -> None:
    assert errors.authentication().message == "invalid x-api-key"
    assert errors.api_error().message == "Internal server error"
    assert errors.overloaded().message == "Overloaded"


def test_equality_and_error_code() -> None:
    error = errors.invalid_request("tools: Tool names must be unique.", "tool_name_conflict")
    assert error == ApiError(400, "invalid_request_error", "tools: Tool names must be unique.", "tool_name_conflict")
    assert error.error_code == "tool_name_conflict"
    assert "tool_name_conflict" in repr(error)
    assert str(error) == "tools: Tool names must be unique."


def test_anthropic_version_header() -> None:
    assert resolve_api_version("2023-06-01") == "2023-06-01"
    assert resolve_api_version("2026-10-21") == "2026-10-21"
    assert resolve_api_version("2023-01-01") == "2023-01-01"
    with pytest.raises(ApiError) as info:
        resolve_api_version(None)
    assert info.value.message == "anthropic-version: header is required"
    with pytest.raises(ApiError) as info:
        resolve_api_version("2023-10-01")
    assert info.value.message == 'anthropic-version: "2023-10-01" is not a valid version'
    with pytest.raises(ApiError) as info:
        resolve_api_version("2023-06-01, 2023-06-01")
    assert info.value.message == 'anthropic-version: "2023-06-01, 2023-06-01" is not a valid version'
    assert sampling_params_removed("2026-10-21")
    assert not sampling_params_removed("2023-06-01")


def test_beta_header_parsing() -> None:
    assert parse_betas(None) == frozenset()
    assert parse_betas("a,b, c ,,") == frozenset({"a", "b", "c"})
    assert parse_betas(["a,b", "c"]) == frozenset({"a", "b", "c"})


def test_literal_choices() -> None:
    assert literal_choices(["a"]) == "'a'"
    assert literal_choices(["a", "b"]) == "'a' or 'b'"
    assert literal_choices(["user", "assistant", "system"]) == "'user', 'assistant' or 'system'"
