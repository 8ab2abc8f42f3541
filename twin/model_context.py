"""What a worker tells the synthetic model about the world beyond one request.

`model_context(runtime, tenant_id)` is the single place the provider surface gets a
`ModelContext` from: the deployment's signing key (thinking signatures), the tenant's clock
(wall time plus every `tenant.clock.advanced`, from the `TenantClock` view), an id minter for
tool calls, and a read-only look-up of the tenant's prompt cache (the `PromptCacheView`).

Read-your-writes: `Runtime.record` applies a recorded `message.created` to the prompt-cache
view at once (the view is idempotent), so the next request of the same tenant on this worker
sees what the previous one wrote or refreshed; other workers see it as soon as they follow the
store (milliseconds). `POST /_twin/clock` refreshes the views before it answers.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, TypeVar

from projections.clock import TenantClock
from projections.prompt_cache import PromptCacheView

from .domain.completion import ModelContext
from .ids import new_tool_use_id

if TYPE_CHECKING:
    from projections.memory import MemoryViews

    from .runtime import Runtime

V = TypeVar("V")


def find_view(memory: MemoryViews, kind: type[V]) -> V | None:
    for view in memory.views:
        if isinstance(view, kind):
            return view
    return None


def tenant_now_us(runtime: Runtime, tenant_id: str) -> int:
    """The tenant's clock: wall time plus its advances."""
    wall = time.time_ns() // 1000
    clock = find_view(runtime.memory, TenantClock)
    return clock.now_us(tenant_id, wall) if clock is not None else wall


def model_context(runtime: Runtime, tenant_id: str) -> ModelContext:
    cache = find_view(runtime.memory, PromptCacheView)
    entries = cache.entries(tenant_id) if cache is not None else {}
    return ModelContext(
        signing_key=bytes.fromhex(runtime.deployment.signing_key),
        now_us=tenant_now_us(runtime, tenant_id),
        new_tool_use_id=new_tool_use_id,
        prompt_cache=entries.get,
    )
