"""`GET /_twin/views` (admin): each durable view's checkpoint against the store's head, for operators.

    {"head": 1234, "views": [{"name": "logs", "version": 3, "position": 1234, "lag": 0}, ...]}

`lag` is how many positions the view trails the head by (reads catch up before they answer, so
a lag here only says how far the background runner is behind).
"""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get

from .call import PlaneCall
from .errors import forbidden
from .params import Query


@get("/_twin/views")
async def list_views(request: Request[Any, Any, Any]) -> Response[Any]:
    async with PlaneCall.start(request, "twin.view.list") as call:
        caller = await call.authenticate_tenant_or_admin()
        if not caller.admin:
            raise forbidden("the views' state is for the operator admin")
        Query(request, ())
        runtime = call.runtime
        head = await runtime.store.head()
        rows = await runtime.views.fetch("SELECT name, position, version FROM view_checkpoints ORDER BY name")
        known = set(runtime.projections.projections)
        views = [
            {"name": name, "version": version, "position": position, "lag": max(head - position, 0)}
            for name, position, version in rows
            if name in known
        ]
        await call.record_read({"count": len(views)})
        return call.respond({"head": head, "views": views})


ROUTES = [list_views]
