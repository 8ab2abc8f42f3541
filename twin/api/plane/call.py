"""One twin-plane operation: its correlation id, its body, its events, its failure record.

    async with PlaneCall.start(request, "twin.account.create") as call:
        caller = await call.auth.tenant(request)
        call.caller = caller
        body = await call.body(CreateAccount)
        await call.record(f"tenant-{caller.tenant_id}", [event], tenant_id=caller.tenant_id)
        return call.respond({...}, status=201)

A read of a durable view:

    async with PlaneCall.start(request, "twin.log.list") as call:
        await call.authenticate_tenant_or_admin()
        query = Query(request, {...})                   # 400 on unknown or malformed parameters
        tenant_id = call.scope(query.text("tenant_id"))  # a tenant: its own; the admin: any or all
        await call.current(["logs"])                    # read your writes (bounded wait)
        ... read the view ...
        await call.record_read({"count": n})
        return call.respond({...})

Every inbound request gets one correlation id (`req_...`), carried by all its events and
returned in the `request-id` header. An operation that fails (a `PlaneError`, an HTTP error or
anything unexpected) appends an `operation.recorded` failure (with the tenant when known)
before the error is answered, so the log view sees failures too. Successful reads record
`operation.recorded` via `record_read`.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException

from eventstore import RecordedEvent

from ...events import OperationRecorded, Resource
from ...ids import new_request_id
from .auth import Caller, PlaneAuth, plane_auth
from .errors import CORRELATION_HEADER, PlaneError, bad_request, forbidden, too_large

if TYPE_CHECKING:
    from ...runtime import Runtime

T = TypeVar("T")

BODY_LIMIT = 1024 * 1024
VIEW_WAIT_S = 5.0  # read-your-writes: the longest a read waits for a durable view to catch up
STALE_HEADER = "twin-view-stale"

log = logging.getLogger("twin.plane")


class CatchesUp(Protocol):
    async def catch_up(self, names: Iterable[str] | None = None) -> None: ...


async def views_current(runner: CatchesUp, names: Iterable[str], timeout: float) -> bool:
    """Bring durable views up to the store's head as of now; False if that took over `timeout`
    seconds or failed (the views stay as they are and answer stale; the runner retries in the
    background), so a view that cannot advance never turns reads into errors or hangs."""
    wanted = list(names)
    try:
        await asyncio.wait_for(runner.catch_up(wanted), timeout)
    except TimeoutError:
        log.warning("views %s did not catch up within %ss; answering stale", wanted, timeout)
        return False
    except Exception:
        log.exception("views %s could not catch up; answering stale", wanted)
        return False
    return True


class PlaneCall:
    def __init__(self, request: Request[Any, Any, Any], operation: str) -> None:
        self.request = request
        self.operation = operation
        self.runtime: Runtime = request.app.state.runtime
        self.auth: PlaneAuth = plane_auth(request)
        self.correlation_id = new_request_id()
        self.caller: Caller | None = None
        self.resource: Resource | None = None
        self.stale = False
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
        elif isinstance(exc, HTTPException):
            await self._record_failure(PlaneError(exc.status_code, str(exc.detail or "http error")))
        elif isinstance(exc, Exception):  # answered as a 500 by the exception handler; recorded if possible
            try:
                error = PlaneError(500, "internal error", reason=f"internal_error: {type(exc).__name__}")
                await self._record_failure(error)
            except Exception:
                log.exception("could not record the failure of %s", self.operation)

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
        except RecursionError as exc:
            raise bad_request("invalid request body: JSON nested too deeply") from exc

    def scope(self, requested: str | None) -> str | None:
        """Whose data a read covers: a tenant only its own (asking for another's is a 403); the
        admin everyone's (None) or the `tenant_id` it names."""
        caller = self.caller
        assert caller is not None, "authenticate first"
        if caller.admin:
            return requested
        if requested is not None and requested != caller.tenant_id:
            raise forbidden("a tenant can only read its own data (tenant_id filter is for the operator admin)")
        return caller.tenant_id

    async def current(self, names: Iterable[str]) -> None:
        """Read your writes: bring these durable views up to the store's head as of now, so this
        read sees every write acknowledged before it (on any worker). Bounded: past VIEW_WAIT_S
        the read is answered from the view as it is, flagged with a `twin-view-stale: 1` header."""
        if not await views_current(self.runtime.projections, names, VIEW_WAIT_S):
            self.stale = True

    async def record(
        self, stream_id: str, events: Sequence[msgspec.Struct], *, tenant_id: str | None
    ) -> list[RecordedEvent]:
        return await self.runtime.record(
            stream_id, events, tenant_id=tenant_id or "", correlation_id=self.correlation_id
        )

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
        extra = {STALE_HEADER: "1"} if self.stale else {}
        return Response(
            content,
            status_code=status,
            headers={CORRELATION_HEADER: self.correlation_id, **extra, **(headers or {})},
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
