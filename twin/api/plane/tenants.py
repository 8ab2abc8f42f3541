"""`POST /_twin/tenants`: anyone may create a tenant; its secret is shown once, stored as scrypt."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import msgspec
from litestar import Request, Response, post

from ...clock import now_rfc3339
from ...events import Resource, TenantCreated
from ...security import hash_secret, new_tenant_secret
from .call import PlaneCall

NAME_LIMIT = 256
FriendlyName = Annotated[str, msgspec.Meta(max_length=NAME_LIMIT)]


class CreateTenant(msgspec.Struct, forbid_unknown_fields=True):
    friendly_name: FriendlyName | None = None


@post("/_twin/tenants", sync_to_thread=False)
async def create_tenant(request: Request[Any, Any, Any]) -> Response[Any]:
    async with PlaneCall.start(request, "twin.tenant.create") as call:
        body = await call.body(CreateTenant, empty_ok=True)
        tenant_id = str(uuid.uuid4())
        secret = new_tenant_secret()
        created_at = now_rfc3339()
        friendly_name = body.friendly_name if body.friendly_name is not None else ""
        call.resource = Resource("tenant", tenant_id)
        event = TenantCreated(tenant_id, friendly_name, hash_secret(secret), created_at)
        await call.record(f"tenant-{tenant_id}", [event], tenant_id=tenant_id)
        content = {
            "tenant_id": tenant_id,
            "tenant_secret": secret,
            "friendly_name": friendly_name,
            "created_at": created_at,
        }
        return call.respond(content, status=201)


ROUTES = [create_tenant]
