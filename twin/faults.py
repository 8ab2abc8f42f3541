"""Consuming a tenant's scripted failures exactly, across workers.

A use is claimed by appending `tenant.fault.injected` to the tenant's faults stream with the
stream version this worker last saw. If another worker claimed first, the append fails, this
worker catches up and decides again: a rule scripted for `times: 2` fails exactly two
requests however many workers serve them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from eventstore import WrongExpectedVersion
from projections.faults import faults_stream

from .domain import faults
from .events import FaultInjected, FaultRule

if TYPE_CHECKING:
    from .runtime import Runtime

_CLAIM_ATTEMPTS = 8


async def claim_fault(
    runtime: Runtime, tenant_id: str, operation: str, model: str | None, correlation_id: str
) -> FaultRule | None:
    """The scripted failure this request must answer with, now claimed; None if there is none."""
    book = runtime.fault_book
    if not book.armed(tenant_id):
        return None
    for _ in range(_CLAIM_ATTEMPTS):
        state = book.of(tenant_id)
        rule = next(
            (s.rule for s in state.script if s.remaining and faults.applies(s.rule, operation, model)),
            None,
        )
        if rule is None:
            return None
        event = FaultInjected(tenant_id, rule.rule_id, operation, correlation_id)
        try:
            await runtime.record(
                faults_stream(tenant_id),
                [event],
                tenant_id=tenant_id,
                correlation_id=correlation_id,
                expected_version=state.version,
            )
        except WrongExpectedVersion:
            await runtime.memory.refresh()
            continue
        await runtime.memory.refresh()  # this worker's next decision sees the use it just claimed
        return rule
    return None
