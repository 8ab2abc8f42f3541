"""Tenant settings on the twin plane: `GET` / `PATCH /_twin/tenant/settings` (tenant Basic auth).

    GET   /_twin/tenant/settings   -> {"timing_profile": {"ttft_ms", "tokens_per_second", "jitter_ms"} | null}
    PATCH /_twin/tenant/settings   {"timing_profile": {...} | null}  -> the settings after the change

A PATCH names only the settings it changes; `null` clears one. The change is one
`tenant.settings.changed` event on the tenant's stream; every worker's view follows it, and the
worker that answered the PATCH has applied it before answering. Errors use the plane's
`{"error": "<message>"}` envelope (PlaneCall records failures in the log).
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, patch

from ...domain.timing import TimingError, profile_from_setting
from ...events import TenantSettingsChanged
from .call import PlaneCall
from .errors import bad_request

MAX_BODY = 4 * 1024
KNOWN = ("timing_profile",)


def _public(settings: dict[str, Any]) -> dict[str, Any]:
    try:
        profile = profile_from_setting(settings.get("timing_profile"))
    except TimingError:
        profile = None
    return {"timing_profile": None if profile is None else profile.to_builtins()}


def _changes(data: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(data) - set(KNOWN))
    if unknown:
        raise bad_request(f"unknown setting(s): {', '.join(unknown)} (known: {', '.join(KNOWN)})")
    if not data:
        raise bad_request(f"no setting given (known: {', '.join(KNOWN)})")
    changes: dict[str, Any] = {}
    if "timing_profile" in data:
        try:
            profile = profile_from_setting(data["timing_profile"])
        except TimingError as exc:
            raise bad_request(str(exc)) from None
        changes["timing_profile"] = None if profile is None else profile.to_builtins()
    return changes


@get("/_twin/tenant/settings")
async def get_tenant_settings(request: Request[Any, Any, Any]) -> Response[Any]:
    async with PlaneCall.start(request, "twin.tenant.settings.get") as call:
        caller = await call.authenticate_tenant()
        await call.runtime.memory.refresh()  # read your writes, whichever worker took the PATCH
        await call.record_read()
        return call.respond(_public(call.runtime.tenant_settings.of(caller.tenant_id)))


@patch("/_twin/tenant/settings")
async def patch_tenant_settings(request: Request[Any, Any, Any]) -> Response[Any]:
    async with PlaneCall.start(request, "twin.tenant.settings.update") as call:
        caller = await call.authenticate_tenant()
        changes = _changes(await call.body(dict[str, Any], limit=MAX_BODY))
        event = TenantSettingsChanged(tenant_id=caller.tenant_id, settings=changes)
        await call.record(f"tenant-{caller.tenant_id}", [event], tenant_id=caller.tenant_id)
        await call.runtime.memory.refresh()
        return call.respond(_public(call.runtime.tenant_settings.of(caller.tenant_id)))


ROUTES = [get_tenant_settings, patch_tenant_settings]
