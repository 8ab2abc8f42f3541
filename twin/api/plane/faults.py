"""Scripted failures: `PUT /_twin/faults` (replace), `GET /_twin/faults` (with uses left), `DELETE`.

Body of PUT: `{"rules": [{"error": "overloaded_error", "times": 2, "operations": ["messages.create"],
"model": null, "message": null, "retry_after": 1, "after_events": null, "delay_ms": 0}, ...]}`
(at most 32 rules; only `error` is required). The next matching provider requests of the
tenant fail as scripted, each use consumed exactly once across workers (twin/faults.py).
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any

import msgspec
from litestar import Request, Response, delete, get, put

from projections.faults import faults_stream

from ...domain.faults import check_rule
from ...events import FaultKind, FaultRule, FaultsConfigured
from .call import PlaneCall
from .errors import bad_request

MAX_RULES = 32


class RuleBody(msgspec.Struct, forbid_unknown_fields=True):
    error: FaultKind
    times: int = 1
    operations: Annotated[list[str], msgspec.Meta(max_length=8)] = []
    model: Annotated[str, msgspec.Meta(max_length=256)] | None = None
    message: str | None = None
    retry_after: int | None = None
    after_events: int | None = None
    delay_ms: int = 0


class ScriptBody(msgspec.Struct, forbid_unknown_fields=True):
    rules: Annotated[list[RuleBody], msgspec.Meta(max_length=MAX_RULES)]


def _script_view(call: PlaneCall, tenant_id: str) -> dict[str, Any]:
    state = call.runtime.fault_book.of(tenant_id)
    rules = [{**msgspec.to_builtins(s.rule), "used": s.used, "remaining": s.remaining} for s in state.script]
    return {"tenant_id": tenant_id, "rules": rules}


async def _configure(call: PlaneCall, tenant_id: str, rules: list[FaultRule]) -> None:
    await call.record(faults_stream(tenant_id), [FaultsConfigured(tenant_id, rules)], tenant_id=tenant_id)
    await call.runtime.memory.refresh()


@put("/_twin/faults")
async def configure_faults(request: Request[Any, Any, Any]) -> Response[Any]:
    async with PlaneCall.start(request, "twin.faults.configure") as call:
        caller = await call.authenticate_tenant()
        body = await call.body(ScriptBody, limit=64 * 1024)
        rules = [
            FaultRule(rule_id=f"fault_{secrets.token_hex(6)}", **msgspec.structs.asdict(rule)) for rule in body.rules
        ]
        for index, rule in enumerate(rules):
            problem = check_rule(rule)
            if problem is not None:
                raise bad_request(f"rules[{index}]: {problem}")
        await _configure(call, caller.tenant_id, rules)
        return call.respond(_script_view(call, caller.tenant_id))


@get("/_twin/faults")
async def list_faults(request: Request[Any, Any, Any]) -> Response[Any]:
    async with PlaneCall.start(request, "twin.faults.get") as call:
        caller = await call.authenticate_tenant()
        await call.runtime.memory.refresh()
        await call.record_read()
        return call.respond(_script_view(call, caller.tenant_id))


@delete("/_twin/faults", status_code=200)
async def clear_faults(request: Request[Any, Any, Any]) -> Response[Any]:
    async with PlaneCall.start(request, "twin.faults.clear") as call:
        caller = await call.authenticate_tenant()
        await _configure(call, caller.tenant_id, [])
        return call.respond(_script_view(call, caller.tenant_id))


ROUTES = [configure_faults, list_faults, clear_faults]
