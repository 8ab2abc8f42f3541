"""The model catalog against the SDK's own lists, the reference's dates, and itself."""

from __future__ import annotations

import typing
from datetime import datetime

import pytest
from anthropic.resources.messages.messages import DEPRECATED_MODELS
from anthropic.types import ModelInfo as SDKModelInfo
from anthropic.types.model import Model as SDKModel

from twin.domain.catalog import CATALOG, CATALOG_DATE, list_models, model_info, resolve
from twin.wire.encode import encode

SDK_MODEL_IDS = [value for value in typing.get_args(typing.get_args(SDKModel)[0])]

#: created_at from the reference's 2026-07-27 capture of /v1/models (§10).
CAPTURED_CREATED_AT = {
    "claude-opus-4-1-20250805": "2025-08-05",
    "claude-sonnet-4-5-20250929": "2025-09-29",
    "claude-haiku-4-5-20251001": "2025-10-15",
    "claude-opus-4-5-20251101": "2025-11-24",
    "claude-opus-4-6": "2026-02-04",
    "claude-sonnet-4-6": "2026-02-17",
    "claude-opus-4-7": "2026-04-14",
    "claude-opus-4-8": "2026-05-28",
    "claude-fable-5": "2026-06-07",
    "claude-sonnet-5": "2026-06-29",
    "claude-opus-5": "2026-07-24",
}


def _date(value: str) -> datetime:
    return datetime.fromisoformat(value.replace("Z", "+00:00"))


def test_every_sdk_model_id_resolves() -> None:
    assert len(SDK_MODEL_IDS) == 22
    for model_id in SDK_MODEL_IDS:
        assert resolve(model_id) is not None, model_id


def test_aliases_resolve_to_dated_snapshots() -> None:
    for alias, snapshot in [
        ("claude-haiku-4-5", "claude-haiku-4-5-20251001"),
        ("claude-opus-4-5", "claude-opus-4-5-20251101"),
        ("claude-sonnet-4-5", "claude-sonnet-4-5-20250929"),
        ("claude-3-5-haiku-latest", "claude-3-5-haiku-20241022"),
        ("claude-sonnet-4-0", "claude-sonnet-4-20250514"),
    ]:
        spec = resolve(alias)
        assert spec is not None
        assert spec.id == snapshot
    assert resolve("claude-unknown") is None


def test_lifecycles_agree_with_the_sdk_deprecations_on_the_catalog_date() -> None:
    today = _date(f"{CATALOG_DATE}T00:00:00Z")
    for model_id in DEPRECATED_MODELS:
        spec = resolve(model_id)
        assert spec is not None, model_id
        assert spec.retires_at is not None
        retired = _date(spec.retires_at) <= today
        assert spec.lifecycle == ("retired" if retired else "deprecated"), model_id
        end_of_life = datetime.strptime(
            DEPRECATED_MODELS[model_id].replace("st,", ",").replace("nd,", ",").replace("rd,", ",").replace("th,", ","),
            "%B %d, %Y",
        )
        assert _date(spec.retires_at).date() == end_of_life.date(), model_id


@pytest.mark.parametrize(
    "model_id",
    [
        "claude-3-5-haiku-20241022",
        "claude-3-opus-20240229",
        "claude-3-7-sonnet-20250219",
        "claude-sonnet-4-20250514",
    ],
)
def test_named_retired_models(model_id: str) -> None:
    spec = resolve(model_id)
    assert spec is not None
    assert spec.lifecycle == "retired"
    assert not spec.available


def test_dates_are_consistent() -> None:
    today = _date(f"{CATALOG_DATE}T00:00:00Z")
    for spec in CATALOG:
        created = _date(spec.created_at)
        assert created <= today, spec.id
        if spec.lifecycle == "active":
            assert spec.deprecated_at is None, spec.id
            assert spec.retires_at is None, spec.id
        else:
            assert spec.deprecated_at is not None, spec.id
            assert spec.retires_at is not None, spec.id
            assert created < _date(spec.deprecated_at) < _date(spec.retires_at), spec.id
            assert (_date(spec.retires_at) <= today) == (spec.lifecycle == "retired"), spec.id
    for model_id, day in CAPTURED_CREATED_AT.items():
        captured = resolve(model_id)
        assert captured is not None
        assert captured.created_at == f"{day}T00:00:00Z", model_id


def test_list_models_is_newest_first_and_filters_lifecycles() -> None:
    listed = list_models()
    assert [spec.created_at for spec in listed] == sorted((spec.created_at for spec in listed), reverse=True)
    assert {spec.lifecycle for spec in listed} == {"active", "deprecated"}
    assert listed[0].id == "claude-fable-5-2"
    retired = list_models(["retired"])
    assert {spec.lifecycle for spec in retired} == {"retired"}
    assert "claude-3-5-haiku-20241022" in [spec.id for spec in retired]
    assert len(list_models(["active", "deprecated", "retired"])) == len(CATALOG)
    # aliases are not listed, dated snapshots are
    ids = [spec.id for spec in list_models(["active", "deprecated", "retired"])]
    assert "claude-haiku-4-5-20251001" in ids
    assert "claude-haiku-4-5" not in ids


def test_prefill_support_follows_the_reference() -> None:
    without = [
        "claude-fable-5",
        "claude-mythos-5",
        "claude-opus-4-8",
        "claude-opus-4-7",
        "claude-opus-4-6",
        "claude-sonnet-4-6",
    ]
    for model_id in without:
        spec = resolve(model_id)
        assert spec is not None
        assert not spec.features.prefill, model_id
    for model_id in ["claude-haiku-4-5", "claude-sonnet-4-5", "claude-opus-4-5"]:
        spec = resolve(model_id)
        assert spec is not None
        assert spec.features.prefill, model_id


def test_thinking_types_per_generation() -> None:
    def types(model_id: str) -> set[str]:
        spec = resolve(model_id)
        assert spec is not None
        return set(spec.features.thinking_types)

    assert types("claude-haiku-4-5") == {"enabled", "disabled"}
    assert types("claude-opus-4-6") == {"enabled", "disabled", "adaptive"}
    assert types("claude-opus-4-7") == {"disabled", "adaptive"}
    assert "enabled" not in types("claude-opus-5")
    assert types("claude-sonnet-5-5") == {"adaptive", "between_tools"}


def test_minimum_cacheable_prompt_lengths() -> None:
    expected = {
        "claude-opus-4-5": 4096,
        "claude-opus-4-6": 4096,
        "claude-haiku-4-5": 4096,
        "claude-sonnet-4-5": 1024,
        "claude-sonnet-4-6": 1024,
        "claude-opus-4-7": 2048,
        "claude-opus-4-8": 1024,
        "claude-opus-5": 512,
    }
    for model_id, tokens in expected.items():
        spec = resolve(model_id)
        assert spec is not None
        assert spec.min_cacheable_tokens == tokens, model_id


def test_model_info_matches_the_sdk_type() -> None:
    for spec in CATALOG:
        info = SDKModelInfo.model_validate_json(encode(model_info(spec)))
        assert info.id == spec.id
        assert info.capabilities is not None
        assert info.capabilities.thinking.types.adaptive.supported == ("adaptive" in spec.features.thinking_types)
        assert info.capabilities.effort.supported == bool(spec.features.effort_levels)
    opus = model_info(resolve("claude-opus-4-8"))  # type: ignore[arg-type]
    assert encode(opus).startswith(
        b'{"type":"model","id":"claude-opus-4-8","display_name":"Claude Opus 4.8","created_at":"2026-05-28T00:00:00Z"'
    )
