"""API keys: mint (`POST /_twin/accounts`), list (`GET`), revoke (`DELETE /_twin/accounts/{id}`).

A key is shown once, at minting, and stored only as a SHA-256 hash with a masked hint. It works
at once on every worker (provider auth re-reads the store on a miss) and a revocation reaches
every worker through the store's change feed within a second.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any, Literal

import msgspec
from litestar import Request, Response, delete, get, post

from ...clock import now_rfc3339
from ...events import ApiKeyIssued, ApiKeyRevoked, Resource
from ...security import hash_api_key, mask_key, new_api_key
from .call import PlaneCall
from .errors import not_found
from .params import Query
from .tenants import FriendlyName

if TYPE_CHECKING:
    from projections.directory import KeyRecord


class CreateAccount(msgspec.Struct, forbid_unknown_fields=True):
    kind: Literal["api_key"]
    friendly_name: FriendlyName | None = None


_ID_LIMIT = 128


def _api_key_id() -> str:
    return "apikey_" + secrets.token_hex(12)


def account_view(record: KeyRecord) -> dict[str, Any]:
    return {
        "kind": "api_key",
        "api_key_id": record.api_key_id,
        "tenant_id": record.tenant_id,
        "friendly_name": record.friendly_name,
        "key_hint": record.key_hint,
        "status": "active" if record.revoked_at is None else "revoked",
        "created_at": record.created_at,
        "revoked_at": record.revoked_at,
    }


@post("/_twin/accounts")
async def create_account(request: Request[Any, Any, Any]) -> Response[Any]:
    async with PlaneCall.start(request, "twin.account.create") as call:
        caller = await call.authenticate_tenant()
        body = await call.body(CreateAccount)
        key = new_api_key()
        api_key_id = _api_key_id()
        call.resource = Resource("api_key", api_key_id)
        event = ApiKeyIssued(
            api_key_id=api_key_id,
            tenant_id=caller.tenant_id,
            friendly_name=body.friendly_name or "",
            key_hash=hash_api_key(key),
            key_hint=mask_key(key),
            created_at=now_rfc3339(),
        )
        await call.record(f"tenant-{caller.tenant_id}", [event], tenant_id=caller.tenant_id)
        content = {
            "kind": "api_key",
            "api_key": key,
            "api_key_id": api_key_id,
            "tenant_id": caller.tenant_id,
            "friendly_name": event.friendly_name,
            "key_hint": event.key_hint,
            "status": "active",
            "created_at": event.created_at,
        }
        return call.respond(content, status=201)


@get("/_twin/accounts")
async def list_accounts(request: Request[Any, Any, Any]) -> Response[Any]:
    async with PlaneCall.start(request, "twin.account.list") as call:
        await call.authenticate_tenant_or_admin()
        tenant_id = call.scope(Query(request, {"tenant_id"}).text("tenant_id"))
        await call.runtime.memory.refresh()  # keys minted or revoked a moment ago on another worker
        directory = call.runtime.directory
        records = directory.keys_by_id.values() if tenant_id is None else directory.keys_of(tenant_id)
        accounts = [account_view(record) for record in sorted(records, key=lambda r: (r.created_at, r.api_key_id))]
        await call.record_read({"count": len(accounts), "tenant_filter": tenant_id})
        return call.respond({"accounts": accounts})


@delete("/_twin/accounts/{api_key_id:str}", status_code=200)
async def revoke_account(request: Request[Any, Any, Any], api_key_id: str) -> Response[Any]:
    async with PlaneCall.start(request, "twin.account.revoke") as call:
        caller = await call.authenticate_tenant_or_admin()
        if len(api_key_id) > _ID_LIMIT:
            call.resource = Resource("api_key", api_key_id[:_ID_LIMIT])
            raise not_found(f"no API key {api_key_id[:_ID_LIMIT]}…")
        call.resource = Resource("api_key", api_key_id)
        directory = call.runtime.directory
        record = directory.keys_by_id.get(api_key_id)
        if record is None:
            await call.runtime.memory.refresh()
            record = directory.keys_by_id.get(api_key_id)
        if record is None or not caller.may_see(record.tenant_id):
            raise not_found(f"no API key {api_key_id}")
        if record.revoked_at is None:
            event = ApiKeyRevoked(
                api_key_id=api_key_id,
                tenant_id=record.tenant_id,
                revoked_at=now_rfc3339(),
                revoked_by="admin" if caller.admin else "tenant",
            )
            await call.record(f"tenant-{record.tenant_id}", [event], tenant_id=record.tenant_id)
            await call.runtime.memory.refresh()
        return call.respond(account_view(directory.keys_by_id[api_key_id]))


ROUTES = [create_account, list_accounts, revoke_account]
