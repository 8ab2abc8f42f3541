"""What a worker tells the synthetic model about the world beyond one request.

`model_context(runtime, tenant_id)` is the single place the provider surface gets a
`ModelContext` from: the deployment's signing key (thinking signatures), the tenant's clock
(wall time plus any `tenant.clock.advanced`), and an id minter for tool calls. The model
itself stays pure: everything it may know arrives here.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from .domain.completion import ModelContext
from .ids import new_tool_use_id

if TYPE_CHECKING:
    from .runtime import Runtime


def model_context(runtime: Runtime, tenant_id: str) -> ModelContext:
    return ModelContext(
        signing_key=bytes.fromhex(runtime.deployment.signing_key),
        now_us=time.time_ns() // 1000,
        new_tool_use_id=new_tool_use_id,
    )
