"""`GET /_twin/logs`: the log records (see projections.logs), a tenant's own or, for the admin, all.

    {"logs": [{"id", "timestamp", "tenant_id", "entry": {<log record>}}], "limit", "offset",
     "order", "has_more", "next_cursor"}

Newest first by default. Filters: `operation` (exact, or a prefix ending in `*` such as
`data.*`), `outcome` (success|failure), `since` (RFC 3339), `correlation_id`, and for the admin
`tenant_id` (`__operator_admin__` for its own actions; empty, `tenant_id=`, for the records of
requests no tenant could be found for). Cursors: `before`/`after` an id; `offset` as in the
contract.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, get

from projections.logs import OUTCOMES
from projections.paging import rfc3339
from projections.registry import LOGS

from .call import PlaneCall
from .params import CURSOR_PARAMS, Query

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


def log_item(row: tuple[Any, ...]) -> dict[str, Any]:
    values = dict(zip(LOGS.columns, row, strict=True))
    return {
        "id": values["id"],
        "timestamp": rfc3339(values["recorded_at_us"]),
        "tenant_id": values["tenant_id"],
        "entry": msgspec.Raw(values["entry"].encode()),
    }


@get("/_twin/logs")
async def list_logs(request: Request[Any, Any, Any]) -> Response[Any]:
    async with PlaneCall.start(request, "twin.log.list") as call:
        await call.authenticate_tenant_or_admin()
        query = Query(
            request, CURSOR_PARAMS | {"offset", "tenant_id", "operation", "outcome", "since", "correlation_id"}
        )
        window = query.window(default_limit=DEFAULT_LIMIT, max_limit=MAX_LIMIT, offsets=True)
        tenant_id = call.scope(query.text("tenant_id", allow_empty=True))
        operation = query.text("operation")
        outcome = query.choice("outcome", OUTCOMES)
        since_us = query.timestamp_us("since")
        correlation_id = query.text("correlation_id")
        await call.current([LOGS.name])
        page = await LOGS.page(
            call.runtime.views,
            window,
            tenant_id=tenant_id,
            operation=operation,
            outcome=outcome,
            since_us=since_us,
            correlation_id=correlation_id,
        )
        logs = [log_item(row) for row in page.rows]
        await call.record_read({"count": len(logs), "tenant_filter": tenant_id})
        return call.respond(
            {
                "logs": logs,
                "limit": window.limit,
                "offset": window.offset,
                "order": window.resolved_order,
                "has_more": page.has_more,
                "next_cursor": page.next_cursor,
            }
        )


ROUTES = [list_logs]
