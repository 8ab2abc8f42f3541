"""`GET /_twin/events?after=&limit=`: the raw event feed, for audit (read from the store itself).

A tenant reads its own events; the admin reads everyone's, or one tenant's with `tenant=`.
Oldest first from `after` (a position); `next_cursor` is the position to pass as `after` next.
Each event is shown as `twin export` writes it, except that hashes of secrets and the
deployment's signing key are redacted: the feed is for reading, the export is for moving data.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, get

from eventstore import RecordedEvent
from eventstore.jsonl import format_timestamp

from ...events import ALL_EVENTS
from .call import PlaneCall
from .params import Query

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
REDACTED = "[redacted]"
EVENT_TYPES = frozenset(str(event_type.__struct_config__.tag) for event_type in ALL_EVENTS)
_SENSITIVE_TYPES = {
    "tenant.created": ("secret_hash",),
    "api_key.issued": ("key_hash",),
    "deployment.initialized": ("signing_key",),
}


def _data(event: RecordedEvent) -> msgspec.Raw | dict[str, Any]:
    sensitive = _SENSITIVE_TYPES.get(event.type)
    if sensitive is None:
        return msgspec.Raw(event.data)
    data: dict[str, Any] = msgspec.json.decode(event.data)
    for name in sensitive:
        if name in data:
            data[name] = REDACTED
    return data


def event_entry(event: RecordedEvent) -> dict[str, Any]:
    return {
        "position": event.position,
        "stream_id": event.stream_id,
        "stream_version": event.stream_version,
        "event_id": event.event_id,
        "type": event.type,
        "schema_version": event.schema_version,
        "tenant_id": event.tenant_id,
        "correlation_id": event.correlation_id,
        "recorded_at": format_timestamp(event.recorded_at_us),
        "data": _data(event),
    }


@get("/_twin/events")
async def list_events(request: Request[Any, Any, Any]) -> Response[Any]:
    async with PlaneCall.start(request, "twin.event.list") as call:
        await call.authenticate_tenant_or_admin()
        query = Query(request, {"after", "limit", "tenant", "type"})
        after = query.integer("after", 0, 0, 2**63 - 1) or 0
        limit = query.integer("limit", DEFAULT_LIMIT, 1, MAX_LIMIT) or DEFAULT_LIMIT
        tenant_id = call.scope(query.text("tenant", allow_empty=True))
        event_type = query.choice("type", EVENT_TYPES)
        store = call.runtime.store
        events = await store.read_all(
            after, limit + 1, tenant_id=tenant_id, types=None if event_type is None else [event_type]
        )
        has_more = len(events) > limit
        events = events[:limit]
        await call.record_read({"count": len(events), "tenant_filter": tenant_id, "after": after})
        return call.respond(
            {
                "events": [event_entry(event) for event in events],
                "limit": limit,
                "has_more": has_more,
                "next_cursor": str(events[-1].position) if events else str(after),
            }
        )


ROUTES = [list_events]
