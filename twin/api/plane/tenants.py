"""Tenants: anyone may create one (`POST /_twin/tenants`; the secret is shown once, stored as scrypt).

`GET /_twin/tenants` lists them: the admin sees every created tenant (cursor-paged, newest
first); a tenant sees itself. The implicit local `default` tenant is never created, so the
admin listing does not show it (`implicit_default` in the answer says whether it exists).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any

import msgspec
from litestar import Request, Response, get, post

from projections.registry import TENANTS

from ...clock import now_rfc3339
from ...events import Resource, TenantCreated
from ...security import hash_secret, new_tenant_secret
from .call import PlaneCall
from .params import CURSOR_PARAMS, Query

NAME_LIMIT = 256
NO_NUL = r"^[^\x00]*$"  # PostgreSQL text cannot hold NUL; refused at the door, never half-stored
FriendlyName = Annotated[str, msgspec.Meta(max_length=NAME_LIMIT, pattern=NO_NUL)]


class CreateTenant(msgspec.Struct, forbid_unknown_fields=True):
    friendly_name: FriendlyName | None = None


@post("/_twin/tenants")
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


@get("/_twin/tenants")
async def list_tenants(request: Request[Any, Any, Any]) -> Response[Any]:
    async with PlaneCall.start(request, "twin.tenant.list") as call:
        caller = await call.authenticate_tenant_or_admin()
        query = Query(request, CURSOR_PARAMS | {"tenant_id"})
        window = query.window(default_limit=100, max_limit=1000)
        tenant_id = call.scope(query.text("tenant_id"))
        implicit_default = not call.runtime.settings.hosted
        if caller.admin:
            await call.current([TENANTS.name])
            page = await TENANTS.page(call.runtime.views, tenant_id, window)
            tenants = [
                dict(zip(("cursor", "tenant_id", "friendly_name", "created_at"), (str(row[0]), *row[1:]), strict=True))
                for row in page.rows
            ]
            has_more, next_cursor = page.has_more, page.next_cursor
        else:
            record = call.runtime.directory.tenant(caller.tenant_id)
            assert record is not None  # authenticated a moment ago
            tenants = [
                {"tenant_id": record.tenant_id, "friendly_name": record.friendly_name, "created_at": record.created_at}
            ]
            has_more, next_cursor = False, None
        await call.record_read({"count": len(tenants)})
        return call.respond(
            {
                "tenants": tenants,
                "implicit_default": implicit_default,
                "limit": window.limit,
                "has_more": has_more,
                "next_cursor": next_cursor,
            }
        )


ROUTES = [create_tenant, list_tenants]
