"""What a worker tells the synthetic model about the world beyond one request.

`model_context(runtime, tenant_id)` is the single place the provider surface gets a
`ModelContext` from: the deployment's signing key (thinking signatures), the tenant's clock
(wall time plus every `tenant.clock.advanced`, from the `TenantClock` view), an id minter for
tool calls, and a read-only look-up of the tenant's prompt cache (the `PromptCacheView`).

Read-your-writes: `Runtime.record` applies a recorded `message.created` to the prompt-cache
view at once (the view is idempotent), so the next request of the same tenant on this worker
sees what the previous one wrote or refreshed; `current_model_context` (what the provider
calls) catches up with the store first when a request uses the prompt cache, so it also sees
what another worker recorded. `POST /_twin/clock` refreshes the views before it answers.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from .domain.completion import ModelContext
from .ids import new_tool_use_id

if TYPE_CHECKING:
    from .runtime import Runtime


def tenant_now_us(runtime: Runtime, tenant_id: str) -> int:
    """The tenant's clock: wall time plus its advances."""
    return runtime.clock.now_us(tenant_id, time.time_ns() // 1000)


def model_context(runtime: Runtime, tenant_id: str) -> ModelContext:
    entries = runtime.prompt_cache.entries(tenant_id)
    return ModelContext(
        signing_key=bytes.fromhex(runtime.deployment.signing_key),
        now_us=tenant_now_us(runtime, tenant_id),
        new_tool_use_id=new_tool_use_id,
        prompt_cache=entries.get,
    )


async def current_model_context(runtime: Runtime, tenant_id: str, *, uses_cache: bool) -> ModelContext:
    """`model_context`, first catching up with the store when the request uses the prompt cache.

    With several workers, the previous request of a tenant (or its `POST /_twin/clock`) may have
    been recorded by another worker a moment ago; one `refresh()` (a head read when nothing is
    new) makes this worker's cache and clock views current before the answer is computed.
    `uses_cache` is `conversation.cache_breakpoints > 0`.
    """
    if uses_cache:
        await runtime.memory.refresh()
    return model_context(runtime, tenant_id)
