"""Tenant settings on the twin plane: `GET` / `PATCH /_twin/tenant/settings` (tenant Basic auth).

    GET   /_twin/tenant/settings   -> {"timing_profile": {"ttft_ms", "tokens_per_second", "jitter_ms"} | null}
    PATCH /_twin/tenant/settings   {"timing_profile": {...} | null}  -> the settings after the change

A PATCH names only the settings it changes; `null` clears one. The change is one
`tenant.settings.changed` event on the tenant's stream; every worker's view follows it, and the
worker that answered the PATCH has applied it before answering. Errors use the plane's
`{"error": "<message>"}` envelope.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any

import msgspec
from litestar import Request, Response, get, patch

from projections.directory import DEFAULT_TENANT

from ...domain.timing import TimingError, profile_from_setting
from ...events import TenantSettingsChanged
from ...ids import new_request_id
from ...runtime import Runtime
from ...security import verify_secret

MAX_BODY = 4 * 1024
KNOWN = ("timing_profile",)
_decoder = msgspec.json.Decoder(dict[str, Any])


class PlaneError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _error(status: int, message: str) -> Response[dict[str, Any]]:
    headers = {"www-authenticate": 'Basic realm="twin"'} if status == 401 else None
    return Response({"error": message}, status_code=status, headers=headers)


def _runtime(request: Request[Any, Any, Any]) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


def authenticate_tenant(runtime: Runtime, authorization: str | None) -> str:
    """The tenant id of a valid `Authorization: Basic tenant_id:secret`, else PlaneError(401)."""
    if not authorization or not authorization[:6].lower() == "basic ":
        raise PlaneError(401, "tenant authentication required: HTTP Basic tenant_id:tenant_secret")
    try:
        decoded = base64.b64decode(authorization[6:].strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise PlaneError(401, "malformed Basic credentials") from None
    tenant_id, sep, secret = decoded.partition(":")
    if not sep:
        raise PlaneError(401, "malformed Basic credentials")
    record = runtime.directory.tenant(tenant_id)
    if record is None:
        raise PlaneError(401, "invalid tenant credentials")
    if tenant_id == DEFAULT_TENANT and record.secret_hash == "":
        return tenant_id  # the local twin's implicit tenant: `-u 'default:'`
    if not verify_secret(secret, record.secret_hash):
        raise PlaneError(401, "invalid tenant credentials")
    return tenant_id


def _public(settings: dict[str, Any]) -> dict[str, Any]:
    profile = profile_from_setting(settings.get("timing_profile"))
    return {"timing_profile": None if profile is None else profile.to_builtins()}


def _validate(body: bytes) -> dict[str, Any]:
    if len(body) > MAX_BODY:
        raise PlaneError(413, f"request body exceeds {MAX_BODY} bytes")
    try:
        data = _decoder.decode(body)
    except msgspec.ValidationError:
        raise PlaneError(400, "expected a JSON object") from None
    except msgspec.DecodeError as exc:
        raise PlaneError(400, f"malformed JSON: {exc}") from None
    unknown = sorted(set(data) - set(KNOWN))
    if unknown:
        raise PlaneError(400, f"unknown setting(s): {', '.join(unknown)} (known: {', '.join(KNOWN)})")
    if not data:
        raise PlaneError(400, f"no setting given (known: {', '.join(KNOWN)})")
    changes: dict[str, Any] = {}
    if "timing_profile" in data:
        try:
            profile = profile_from_setting(data["timing_profile"])
        except TimingError as exc:
            raise PlaneError(400, str(exc)) from None
        changes["timing_profile"] = None if profile is None else profile.to_builtins()
    return changes


@get("/_twin/tenant/settings")
async def get_tenant_settings(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    runtime = _runtime(request)
    try:
        tenant_id = authenticate_tenant(runtime, request.headers.get("authorization"))
    except PlaneError as exc:
        return _error(exc.status, exc.message)
    await runtime.memory.refresh()  # read your writes, whichever worker took the PATCH
    return Response(_public(runtime.tenant_settings.of(tenant_id)))


@patch("/_twin/tenant/settings", request_max_body_size=1024 * 1024)
async def patch_tenant_settings(request: Request[Any, Any, Any]) -> Response[dict[str, Any]]:
    runtime = _runtime(request)
    try:
        tenant_id = authenticate_tenant(runtime, request.headers.get("authorization"))
        body = await request.body()
        changes = _validate(body)
    except PlaneError as exc:
        return _error(exc.status, exc.message)
    await runtime.record(
        f"tenant-{tenant_id}",
        [TenantSettingsChanged(tenant_id=tenant_id, settings=changes)],
        tenant_id=tenant_id,
        correlation_id=new_request_id(),
    )
    await runtime.memory.refresh()
    return Response(_public(runtime.tenant_settings.of(tenant_id)))


ROUTES = [get_tenant_settings, patch_tenant_settings]
