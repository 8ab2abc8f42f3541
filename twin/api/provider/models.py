"""``GET /v1/models`` (newest first, ``limit`` / ``before_id`` / ``after_id`` / ``lifecycle[]``)
and ``GET /v1/models/{model_id}`` (an id or an alias), from the catalog.

A page always carries ``has_more``, ``first_id`` and ``last_id`` (``null`` ids when empty): the
SDK's auto-pagination follows ``after_id=<last_id>`` (``before_id=<first_id>`` when paging
backwards) while ``has_more`` is true. A cursor that names no listed model gives an empty page.
Query errors use the real API's pydantic wording (``limit: Input should be less than or equal
to 1000``).
"""

from __future__ import annotations

from urllib.parse import parse_qsl

from twin.domain.catalog import Lifecycle, ModelSpec, list_models, model_info, resolve
from twin.events import Resource
from twin.wire.encode import encode
from twin.wire.errors import invalid_request, not_found
from twin.wire.models import ModelsPage

from ..asgi import Receive
from .call import Call

__all__ = ["get_model", "list_models_page"]

DEFAULT_LIMIT = 20
MAX_LIMIT = 1000
_LIFECYCLES: tuple[Lifecycle, ...] = ("active", "deprecated", "retired")
_DEFAULT_LIFECYCLES: tuple[Lifecycle, ...] = ("active", "deprecated")


class _Query:
    __slots__ = ("after_id", "before_id", "lifecycles", "limit")

    def __init__(self) -> None:
        self.limit = DEFAULT_LIMIT
        self.before_id: str | None = None
        self.after_id: str | None = None
        self.lifecycles: list[Lifecycle] = []


def _parse_query(raw: bytes) -> _Query:
    query = _Query()
    for name, value in parse_qsl(raw.decode("latin-1"), keep_blank_values=True):
        if name == "limit":
            try:
                limit = int(value)
            except ValueError:
                raise invalid_request(
                    "limit: Input should be a valid integer, unable to parse string as an integer"
                ) from None
            if limit < 1:
                raise invalid_request("limit: Input should be greater than or equal to 1")
            if limit > MAX_LIMIT:
                raise invalid_request(f"limit: Input should be less than or equal to {MAX_LIMIT}")
            query.limit = limit
        elif name == "before_id":
            query.before_id = value
        elif name == "after_id":
            query.after_id = value
        elif name in ("lifecycle[]", "lifecycle"):
            if value not in _LIFECYCLES:
                index = len(query.lifecycles)
                raise invalid_request(f"lifecycle.{index}: Input should be 'active', 'deprecated' or 'retired'")
            if value not in query.lifecycles:
                query.lifecycles.append(value)
    return query


def _position(models: list[ModelSpec], model_id: str) -> int | None:
    spec = resolve(model_id)
    if spec is None:
        return None
    for index, candidate in enumerate(models):
        if candidate is spec:
            return index
    return None


def page(query: _Query) -> ModelsPage:
    """One page of the catalog, newest first."""
    models = list_models(query.lifecycles or _DEFAULT_LIFECYCLES)
    start, end = 0, len(models)
    if query.after_id is not None:
        at = _position(models, query.after_id)
        start = end if at is None else at + 1
    if query.before_id is not None:
        at = _position(models, query.before_id)
        end = start if at is None else max(start, at)
    if query.before_id is not None and query.after_id is None:
        first = max(start, end - query.limit)
        chosen, has_more = models[first:end], first > start
    else:
        last = min(end, start + query.limit)
        chosen, has_more = models[start:last], last < end
    data = [model_info(spec) for spec in chosen]
    return ModelsPage(
        data=data,
        has_more=has_more,
        first_id=data[0].id if data else None,
        last_id=data[-1].id if data else None,
    )


async def list_models_page(call: Call, receive: Receive) -> None:
    await call.authenticate()
    call.api_version()
    query = _parse_query(call.query)
    await call.apply_fault("models.list", None)
    body = encode(page(query))
    await call.record_success()
    await call.send_json(body)


async def get_model(call: Call, receive: Receive) -> None:
    await call.authenticate()
    call.api_version()
    model_id = call.path[len("/v1/models/") :]
    await call.apply_fault("models.get", model_id)
    spec = resolve(model_id)
    if spec is None:
        raise not_found(f"model: {model_id}")
    body = encode(model_info(spec))
    await call.record_success(Resource(type="model", id=spec.id))
    await call.send_json(body)
