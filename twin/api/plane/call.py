"""One twin-plane operation: its correlation id, its body, its events, its failure record.

    async with PlaneCall.start(request, "twin.account.create") as call:
        caller = await call.auth.tenant(request)
        call.caller = caller
        body = await call.body(CreateAccount)
        await call.record(f"tenant-{caller.tenant_id}", [event], tenant_id=caller.tenant_id)
        return call.respond({...}, status=201)

Every inbound request gets one correlation id (`req_...`), carried by all its events and
returned in the `request-id` header. An operation that fails with a `PlaneError` appends an
`operation.recorded` failure (with the tenant when known) before the error is answered, so the
log view sees failures too. Successful reads record `operation.recorded` via `record_read`.
"""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypeVar

import msgspec
from litestar import Request, Response

from ...events import OperationRecorded, Resource
from ...ids import new_request_id
from .auth import Caller, PlaneAuth, plane_auth
from .errors import CORRELATION_HEADER, PlaneError, bad_request, too_large

if TYPE_CHECKING:
    from ...runtime import Runtime

T = TypeVar("T")

BODY_LIMIT = 1024 * 1024


class PlaneCall:
    def __init__(self, request: Request[Any, Any, Any], operation: str) -> None:
        self.request = request
        self.operation = operation
        self.runtime: Runtime = request.app.state.runtime
        self.auth: PlaneAuth = plane_auth(request)
        self.correlation_id = new_request_id()
        self.caller: Caller | None = None
        self.resource: Resource | None = None
        request.scope.setdefault("state", {})["correlation_id"] = self.correlation_id

    @classmethod
    def start(cls, request: Request[Any, Any, Any], operation: str) -> PlaneCall:
        return cls(request, operation)

    async def __aenter__(self) -> PlaneCall:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if isinstance(exc, PlaneError):
            await self._record_failure(exc)

    async def authenticate_tenant(self) -> Caller:
        self.caller = await self.auth.tenant(self.request)
        return self.caller

    async def authenticate_tenant_or_admin(self) -> Caller:
        self.caller = await self.auth.tenant_or_admin(self.request)
        return self.caller

    async def body(self, kind: type[T], *, limit: int = BODY_LIMIT, empty_ok: bool = False) -> T:
        """The JSON body decoded into `kind`, or a 400/413 with a message naming the problem."""
        declared = self.request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > limit:
            raise too_large(limit)
        raw = await self.request.body()
        if len(raw) > limit:
            raise too_large(limit)
        if not raw.strip():
            if empty_ok:
                raw = b"{}"
            else:
                raise bad_request("request body must be a JSON object")
        try:
            return msgspec.json.decode(raw, type=kind)
        except msgspec.ValidationError as exc:
            raise bad_request(f"invalid request body: {exc}") from exc
        except msgspec.DecodeError as exc:
            raise bad_request(f"malformed JSON: {exc}") from exc

    async def record(self, stream_id: str, events: Sequence[msgspec.Struct], *, tenant_id: str | None) -> None:
        await self.runtime.record(stream_id, events, tenant_id=tenant_id or "", correlation_id=self.correlation_id)

    async def record_read(self, details: dict[str, Any] | None = None) -> None:
        """The log record of a successful operation that changes nothing (a listing, a lookup)."""
        event = OperationRecorded(
            plane="twin",
            operation=self.operation,
            outcome="success",
            resource=self.resource,
            details=details or {},
        )
        await self.record(f"request-{self.correlation_id}", [event], tenant_id=self._log_tenant())

    def respond(self, content: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> Response[Any]:
        return Response(
            content, status_code=status, headers={CORRELATION_HEADER: self.correlation_id, **(headers or {})}
        )

    def _log_tenant(self) -> str:
        return self.caller.log_tenant if self.caller is not None else ""

    async def _record_failure(self, error: PlaneError) -> None:
        event = OperationRecorded(
            plane="twin",
            operation=self.operation,
            outcome="failure",
            reason=error.reason,
            resource=self.resource,
            details={"status": error.status, "method": self.request.method, "path": self.request.url.path},
        )
        await self.record(f"request-{self.correlation_id}", [event], tenant_id=self._log_tenant())
