"""The in-memory tenant settings view: merge, clear, and rebuild equals incremental."""

from __future__ import annotations

from typing import Any

from eventstore import RecordedEvent
from projections.base import Fact
from projections.tenant_settings import TenantSettings
from twin.events import TenantSettingsChanged

PROFILE = {"ttft_ms": 100.0, "tokens_per_second": 50.0, "jitter_ms": 0.0}


def _fact(tenant: str, settings: dict[str, Any]) -> Fact:
    return Fact(None, TenantSettingsChanged(tenant_id=tenant, settings=settings))  # type: ignore[arg-type]


def _fold(events: list[Fact]) -> TenantSettings:
    view = TenantSettings()
    for fact in events:
        view.apply(fact)
    return view


def test_set_merge_and_clear() -> None:
    view = TenantSettings()
    assert view.of("t1") == {}
    view.apply(_fact("t1", {"timing_profile": PROFILE}))
    before = view.of("t1")
    view.apply(_fact("t1", {"other": 1}))
    assert view.of("t1") == {"timing_profile": PROFILE, "other": 1}
    assert before == {"timing_profile": PROFILE}  # replaced, not mutated
    view.apply(_fact("t1", {"timing_profile": None}))
    assert view.get("t1", "timing_profile") is None
    assert view.get("t2", "timing_profile") is None
    view.apply(_fact("t1", {"other": None}))
    assert view.by_tenant == {}


def test_rebuild_equals_incremental() -> None:
    events = [
        _fact("a", {"timing_profile": PROFILE}),
        _fact("b", {"timing_profile": PROFILE}),
        _fact("a", {"timing_profile": None}),
        _fact("b", {"timing_profile": {**PROFILE, "ttft_ms": 5.0}}),
    ]
    incremental = TenantSettings()
    for fact in events:
        incremental.apply(fact)
    assert _fold(events).by_tenant == incremental.by_tenant == {"b": {"timing_profile": {**PROFILE, "ttft_ms": 5.0}}}


def test_event_types() -> None:
    assert TenantSettings.event_types == frozenset({"tenant.settings.changed"})
    assert RecordedEvent  # the view reads only decoded events
