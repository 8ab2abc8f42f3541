"""The tenant's simulated clock: `POST /_twin/clock` moves it forward, `GET /_twin/clock` reads it.

Prompt-cache TTLs run on this clock (wall time plus every advance), so a test observes a cache
entry expire by advancing the clock instead of sleeping::

    POST /_twin/clock   (HTTP Basic tenant_id:tenant_secret)   {"advance_ms": 300001}
    200 {"tenant_id": "...", "offset_ms": 300001, "now": "2026-...Z", "now_us": ...}

`advance_ms` is an integer from 1 to 366 days in milliseconds; the clock never goes back.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Request, Response, get, post

from ...clock import rfc3339
from ...events import Resource, TenantClockAdvanced
from ...model_context import tenant_now_us
from .call import PlaneCall

MAX_ADVANCE_MS = 366 * 24 * 60 * 60 * 1000


class AdvanceClock(msgspec.Struct, forbid_unknown_fields=True):
    advance_ms: Annotated[int, msgspec.Meta(gt=0, le=MAX_ADVANCE_MS)]


def _clock_view(call: PlaneCall, tenant_id: str) -> dict[str, Any]:
    now_us = tenant_now_us(call.runtime, tenant_id)
    offset_ms = call.runtime.clock.offsets_ms.get(tenant_id, 0)
    return {"tenant_id": tenant_id, "offset_ms": offset_ms, "now": rfc3339(now_us), "now_us": now_us}


@post("/_twin/clock")
async def advance_clock(request: Request[Any, Any, Any]) -> Response[Any]:
    async with PlaneCall.start(request, "twin.clock.advance") as call:
        caller = await call.authenticate_tenant()
        body = await call.body(AdvanceClock)
        call.resource = Resource("tenant", caller.tenant_id)
        event = TenantClockAdvanced(tenant_id=caller.tenant_id, advanced_by_ms=body.advance_ms)
        await call.record(f"tenant-{caller.tenant_id}", [event], tenant_id=caller.tenant_id)
        await call.runtime.memory.refresh()  # this worker's clock is current before the answer
        return call.respond(_clock_view(call, caller.tenant_id))


@get("/_twin/clock")
async def read_clock(request: Request[Any, Any, Any]) -> Response[Any]:
    async with PlaneCall.start(request, "twin.clock.read") as call:
        caller = await call.authenticate_tenant()
        call.resource = Resource("tenant", caller.tenant_id)
        await call.runtime.memory.refresh()
        content = _clock_view(call, caller.tenant_id)
        await call.record_read()
        return call.respond(content)


ROUTES = [advance_clock, read_clock]
