"""Each tenant's scripted failures and how many uses are left, in memory in every worker."""

from __future__ import annotations

import msgspec

from twin.events import FaultInjected, FaultRule, FaultsConfigured

from .base import Fact, MemoryView


def faults_stream(tenant_id: str) -> str:
    return f"faults-{tenant_id}"


class ScriptedFault(msgspec.Struct):
    rule: FaultRule
    used: int = 0

    @property
    def remaining(self) -> int:
        return max(0, self.rule.times - self.used)


class TenantFaults(msgspec.Struct):
    version: int = 0  # events seen on the tenant's faults stream: the expected version of the next claim
    script: list[ScriptedFault] = msgspec.field(default_factory=list)


class FaultBook(MemoryView):
    event_types = frozenset({"tenant.faults.configured", "tenant.fault.injected"})

    def __init__(self) -> None:
        self.tenants: dict[str, TenantFaults] = {}

    def apply(self, fact: Fact) -> None:
        event = fact.event
        state = self.tenants.setdefault(event.tenant_id, TenantFaults())
        state.version = max(state.version, fact.recorded.stream_version)
        if isinstance(event, FaultsConfigured):
            state.script = [ScriptedFault(rule) for rule in event.rules]
        elif isinstance(event, FaultInjected):
            for scripted in state.script:
                if scripted.rule.rule_id == event.rule_id:
                    scripted.used += 1
                    break

    def of(self, tenant_id: str) -> TenantFaults:
        return self.tenants.get(tenant_id) or TenantFaults()

    def armed(self, tenant_id: str) -> bool:
        """Whether the tenant has any scripted failure left (the hot path's one dict lookup)."""
        state = self.tenants.get(tenant_id)
        return state is not None and any(scripted.remaining for scripted in state.script)
