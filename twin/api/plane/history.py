"""Message history: `GET /_twin/messages` (newest first, cursor-paged) and `GET /_twin/messages/{id}`.

Each entry is one accepted `POST /v1/messages`: the request as received and the message as
answered, with the key, model, usage and the request id (`correlation_id`) it was answered under.
Filters: `api_key_id`, `model` (the id the answer names), and for the admin `tenant_id`.
Reads wait for the history view to reach the store's head first (read your writes).
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, get

from projections.paging import rfc3339
from projections.registry import MESSAGES

from ...events import Resource
from .call import PlaneCall
from .errors import not_found
from .params import CURSOR_PARAMS, Query

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
_ID_LIMIT = 128


def message_entry(row: tuple[Any, ...]) -> dict[str, Any]:
    values = dict(zip(MESSAGES.columns, row, strict=True))
    return {
        "id": values["message_id"],
        "cursor": str(values["position"]),
        "tenant_id": values["tenant_id"],
        "api_key_id": values["api_key_id"],
        "correlation_id": values["correlation_id"],
        "created_at": rfc3339(values["recorded_at_us"]),
        "path": values["path"],
        "api_version": values["api_version"],
        "betas": msgspec.json.decode(values["betas"]),
        "model": values["model"],
        "stream": bool(values["stream"]),
        "stop_reason": values["stop_reason"],
        "usage": {
            "input_tokens": values["input_tokens"],
            "output_tokens": values["output_tokens"],
            "cache_read_input_tokens": values["cache_read_input_tokens"],
            "cache_creation_input_tokens": values["cache_creation_input_tokens"],
        },
        "request": msgspec.Raw(values["request"].encode()),
        "response": msgspec.Raw(values["response"].encode()),
    }


@get("/_twin/messages")
async def list_messages(request: Request[Any, Any, Any]) -> Response[Any]:
    async with PlaneCall.start(request, "twin.message.list") as call:
        await call.authenticate_tenant_or_admin()
        query = Query(request, CURSOR_PARAMS | {"tenant_id", "api_key_id", "model"})
        window = query.window(default_limit=DEFAULT_LIMIT, max_limit=MAX_LIMIT)
        tenant_id = call.scope(query.text("tenant_id"))
        api_key_id, model = query.text("api_key_id"), query.text("model")
        await call.current([MESSAGES.name])
        page = await MESSAGES.page(call.runtime.views, tenant_id, window, api_key_id=api_key_id, model=model)
        messages = [message_entry(row) for row in page.rows]
        await call.record_read({"count": len(messages), "tenant_filter": tenant_id})
        return call.respond(
            {
                "messages": messages,
                "limit": window.limit,
                "order": window.resolved_order,
                "has_more": page.has_more,
                "next_cursor": page.next_cursor,
            }
        )


@get("/_twin/messages/{message_id:str}")
async def get_message(request: Request[Any, Any, Any], message_id: str) -> Response[Any]:
    async with PlaneCall.start(request, "twin.message.get") as call:
        caller = await call.authenticate_tenant_or_admin()
        Query(request, ())
        call.resource = Resource("message", message_id[:_ID_LIMIT])
        await call.current([MESSAGES.name])
        findable = len(message_id) <= _ID_LIMIT and "\x00" not in message_id
        row = await MESSAGES.get(call.runtime.views, message_id) if findable else None
        if row is None or not caller.may_see(row[MESSAGES.columns.index("tenant_id")]):
            raise not_found(f"no message {message_id[:_ID_LIMIT]}")
        await call.record_read()
        return call.respond(message_entry(row))


ROUTES = [list_messages, get_message]
