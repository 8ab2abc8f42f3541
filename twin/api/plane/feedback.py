"""Feedback to the operator: `POST /_twin/feedback` (tenant) and `GET /_twin/feedback` (tenant or admin).

Body `{"body": <1..8192 chars>, "category"?: <one of CATEGORIES>, "context"?: {<JSON object>}}`,
at most 64 KiB in all; the answer is the record, `201` with `"status": "pending"`.
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any, Literal

import msgspec
from litestar import Request, Response, get, post

from projections.paging import rfc3339
from projections.registry import FEEDBACK

from ...events import FeedbackSubmitted, Resource
from .call import PlaneCall
from .errors import bad_request
from .params import CURSOR_PARAMS, Query
from .tenants import NO_NUL

BODY_CHARS = 8192
FEEDBACK_BYTES = 64 * 1024
CATEGORIES = ("bug", "fidelity", "feature", "documentation", "performance", "other")
DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class SubmitFeedback(msgspec.Struct, forbid_unknown_fields=True):
    body: Annotated[str, msgspec.Meta(min_length=1, max_length=BODY_CHARS, pattern=NO_NUL)]
    category: Literal["bug", "fidelity", "feature", "documentation", "performance", "other"] | None = None
    context: dict[str, Any] | None = None


def _feedback_id() -> str:
    return "fb_" + secrets.token_hex(12)


def feedback_entry(row: tuple[Any, ...]) -> dict[str, Any]:
    values = dict(zip(FEEDBACK.columns, row, strict=True))
    context = values["context"]
    return {
        "feedback_id": values["feedback_id"],
        "tenant_id": values["tenant_id"],
        "body": values["body"],
        "category": values["category"],
        "context": None if context is None else msgspec.Raw(context.encode()),
        "status": values["status"],
        "created_at": rfc3339(values["recorded_at_us"]),
        "correlation_id": values["correlation_id"],
        "cursor": str(values["position"]),
    }


@post("/_twin/feedback")
async def submit_feedback(request: Request[Any, Any, Any]) -> Response[Any]:
    async with PlaneCall.start(request, "twin.feedback.create") as call:
        caller = await call.authenticate_tenant()
        body = await call.body(SubmitFeedback, limit=FEEDBACK_BYTES)
        if not body.body.strip():
            raise bad_request("invalid request body: `body` must not be blank")
        feedback_id = _feedback_id()
        call.resource = Resource("feedback", feedback_id)
        event = FeedbackSubmitted(feedback_id=feedback_id, body=body.body, category=body.category, context=body.context)
        (recorded,) = await call.record(f"request-{call.correlation_id}", [event], tenant_id=caller.tenant_id)
        content = {
            "feedback_id": feedback_id,
            "tenant_id": caller.tenant_id,
            "body": body.body,
            "category": body.category,
            "context": body.context,
            "status": "pending",
            "created_at": rfc3339(recorded.recorded_at_us),
            "correlation_id": call.correlation_id,
        }
        return call.respond(content, status=201)


@get("/_twin/feedback")
async def list_feedback(request: Request[Any, Any, Any]) -> Response[Any]:
    async with PlaneCall.start(request, "twin.feedback.list") as call:
        await call.authenticate_tenant_or_admin()
        query = Query(request, CURSOR_PARAMS | {"tenant_id"})
        window = query.window(default_limit=DEFAULT_LIMIT, max_limit=MAX_LIMIT)
        tenant_id = call.scope(query.text("tenant_id"))
        await call.current([FEEDBACK.name])
        page = await FEEDBACK.page(call.runtime.views, tenant_id, window)
        entries = [feedback_entry(row) for row in page.rows]
        await call.record_read({"count": len(entries), "tenant_filter": tenant_id})
        return call.respond(
            {
                "feedback": entries,
                "limit": window.limit,
                "order": window.resolved_order,
                "has_more": page.has_more,
                "next_cursor": page.next_cursor,
            }
        )


ROUTES = [submit_feedback, list_feedback]
