"""One inbound ``/v1`` request: its headers read once, authentication, answers and failure records.

A `Call` is created by the router for every provider request. It reads the headers the
provider surface cares about in one pass over the ASGI scope, mints the request id (which is
also the correlation id of everything the request records), and offers the few things every
handler needs: `read_body` (with the endpoint's size limit: 413 past it), `authenticate`
(``x-api-key`` first, else ``Authorization: Bearer``; 401 with the real messages),
`api_version` / `betas`, `apply_fault` (failures on demand), `send_json`, and `reject` (an
Anthropic error envelope, recorded as a failed operation).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any

from projections.directory import KeyRecord
from twin.domain import faults
from twin.events import FaultRule, OperationRecorded, Resource
from twin.faults import claim_fault
from twin.ids import new_request_id
from twin.security import hash_api_key, mask_key
from twin.wire.encode import encode
from twin.wire.errors import ApiError, authentication, request_too_large
from twin.wire.response import error_envelope
from twin.wire.versions import parse_betas, resolve_api_version

from ..asgi import ClientGone, Receive, Scope, Send
from .headers import HeaderFactory

if TYPE_CHECKING:
    from twin.runtime import Runtime

log = logging.getLogger("twin.provider")

__all__ = ["Call", "InjectedFault"]

#: How far past the limit a too-large body is still drained (so that the client, still
#: writing, reads the 413 instead of a reset connection); beyond it the connection is dropped.
_DRAIN_SLACK = 64 * 1024 * 1024

MISSING_KEY = "x-api-key header is required"
INVALID_KEY = "invalid x-api-key"
INVALID_BEARER = "Invalid bearer token"
#: What a browser may read of an answer (CORS): the ids and limits clients look at.
EXPOSED = b"request-id, anthropic-organization-id, retry-after, x-should-retry"


class InjectedFault(Exception):
    """A failure on demand (``x-twin-fault`` or the tenant's script) this request answers with."""

    def __init__(self, answer: faults.FaultAnswer) -> None:
        super().__init__(answer.error.message)
        self.answer = answer


class Call:
    """The state of one provider request (see the module docstring)."""

    __slots__ = (
        "_authorization",
        "_beta_headers",
        "_content_length",
        "_fault_header",
        "_version_header",
        "_x_api_key",
        "accepted_at",
        "cors",
        "fault",
        "headers",
        "key",
        "method",
        "operation",
        "path",
        "query",
        "request_id",
        "runtime",
        "send",
        "started",
        "timing_header",
    )

    def __init__(self, runtime: Runtime, headers: HeaderFactory, scope: Scope, send: Send, operation: str) -> None:
        self.runtime = runtime
        self.headers = headers
        self.send = send
        self.method: str = scope["method"]
        self.path: str = scope["path"]
        self.query: bytes = scope.get("query_string", b"")
        self.operation = operation
        self.request_id = new_request_id()
        self.key: KeyRecord | None = None
        self.started = False
        self._x_api_key: str | None = None
        self._authorization: str | None = None
        self._version_header: str | None = None
        self._beta_headers: list[str] = []
        self._content_length: int | None = None
        self._fault_header: str | None = None
        self.fault: FaultRule | None = None
        self.accepted_at = time.monotonic()
        self.timing_header: bytes | None = None
        self.cors: list[tuple[bytes, bytes]] = []
        for name, value in scope["headers"]:
            if name == b"x-api-key":
                if self._x_api_key is None:
                    self._x_api_key = value.decode("latin-1")
            elif name == b"authorization":
                if self._authorization is None:
                    self._authorization = value.decode("latin-1")
            elif name == b"anthropic-version":
                if self._version_header is None:
                    self._version_header = value.decode("latin-1")
            elif name == b"anthropic-beta":
                self._beta_headers.append(value.decode("latin-1"))
            elif name == b"origin":
                self.cors = [(b"access-control-allow-origin", value), (b"access-control-expose-headers", EXPOSED)]
            elif name == b"x-twin-timing":
                self.timing_header = value
            elif name == b"x-twin-fault":
                self._fault_header = value.decode("latin-1")
            elif name == b"content-length":
                try:
                    self._content_length = int(value)
                except ValueError:
                    self._content_length = None

    # ------------------------------------------------------------------------------- request

    @property
    def tenant_id(self) -> str:
        return self.key.tenant_id if self.key is not None else ""

    def api_version(self) -> str:
        return resolve_api_version(self._version_header)

    def betas(self) -> frozenset[str]:
        return parse_betas(self._beta_headers) if self._beta_headers else frozenset()

    async def read_body(self, receive: Receive, limit: int) -> bytes:
        """The whole body; 413 ``request_too_large`` past ``limit`` bytes (drained first)."""
        chunks: list[bytes] = []
        size = 0
        too_large = self._content_length is not None and self._content_length > limit
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                raise ClientGone()
            chunk: bytes = message.get("body", b"")
            size += len(chunk)
            if size > limit:
                too_large = True
            if not too_large:
                chunks.append(chunk)
            elif size > limit + _DRAIN_SLACK:
                break
            if not message.get("more_body", False):
                break
        if too_large:
            chunks.clear()
            raise request_too_large()
        return chunks[0] if len(chunks) == 1 else b"".join(chunks)

    def presented_key(self) -> str | None:
        """The key the client presented (``x-api-key`` wins over a Bearer token), or None."""
        if self._x_api_key is not None:
            return self._x_api_key.strip()
        if self._authorization is not None:
            scheme, _, token = self._authorization.strip().partition(" ")
            return token.strip() if scheme.lower() == "bearer" else self._authorization
        return None

    async def authenticate(self) -> KeyRecord:
        """The active key presented by the client; 401 ``authentication_error`` otherwise.

        One in-memory lookup; on a miss the views are refreshed once (a key minted on another
        worker a moment ago) before the key is declared invalid.
        """
        if self.key is not None:
            return self.key
        presented = self.presented_key()
        if not presented:
            raise authentication(MISSING_KEY)
        digest = hash_api_key(presented)
        directory = self.runtime.directory
        record = directory.active_key(digest)
        if record is None:
            await self.runtime.memory.refresh()
            record = directory.active_key(digest)
        if record is None:
            raise authentication(INVALID_KEY if self._x_api_key is not None else INVALID_BEARER)
        self.key = record
        return record

    def identify(self) -> None:
        """Attribute a rejected request to its key's tenant when the key is known, revoked keys
        included (a tenant sees the attempts made with its revoked keys); no refresh."""
        if self.key is None:
            presented = self.presented_key()
            if presented:
                self.key = self.runtime.directory.keys_by_hash.get(hash_api_key(presented))

    async def injected_fault(self, operation: str, model: str | None) -> faults.FaultAnswer | None:
        """The failure this request must answer with, if any: its ``x-twin-fault`` header (400 when
        malformed), else a use of the tenant's script (claimed in the store). Waits ``delay_ms``."""
        if self._fault_header is not None:
            rule: FaultRule | None = faults.parse_fault_header(self._fault_header)
        else:
            rule = await claim_fault(self.runtime, self.tenant_id, operation, model, self.request_id)
        if rule is None:
            return None
        self.fault = rule
        answer = faults.answer(rule, self.runtime.deployment.organization_id)
        if answer.delay_ms:
            await asyncio.sleep(answer.delay_ms / 1000)
        return answer

    async def apply_fault(
        self, operation: str, model: str | None, *, stream: bool = False
    ) -> faults.FaultAnswer | None:
        """Fail as asked (``x-twin-fault`` or the tenant's script): raise `InjectedFault` to answer
        with the error up front, or, for a stream asked to break (``after_events``), record the
        failure and return the answer (the stream breaks after that many events). None: no fault."""
        answer = await self.injected_fault(operation, model)
        if answer is None:
            return None
        if stream and answer.after_events is not None:
            await self.record_failure(answer.error)
            return answer
        raise InjectedFault(answer)

    # ------------------------------------------------------------------------------- answers

    def sse_headers(self) -> list[tuple[bytes, bytes]]:
        return self.headers.sse(self.request_id) + self.cors

    async def send_json(self, body: bytes, status: int = 200) -> None:
        self.started = True
        await self.send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": self.headers.json(self.request_id, len(body), status=status) + self.cors,
            }
        )
        await self.send({"type": "http.response.body", "body": body})

    async def record_success(self, resource: Resource | None = None, **details: Any) -> None:
        await self.runtime.record(
            f"request-{self.request_id}",
            [
                OperationRecorded(
                    plane="data",
                    operation=self.operation,
                    outcome="success",
                    resource=resource,
                    details={"status": 200, "method": self.method, "path": self.path, **self._key_details(), **details},
                )
            ],
            tenant_id=self.tenant_id,
            correlation_id=self.request_id,
        )

    async def reject(self, error: ApiError, extra_headers: list[tuple[bytes, bytes]] | None = None) -> None:
        """Answer with the error envelope (unless the answer has begun), after recording it."""
        await self.record_failure(error)
        if self.started:
            return
        body = encode(
            error_envelope(error.error_type, error.message, request_id=self.request_id, error_code=error.error_code)
        )
        self.started = True
        headers = self.headers.json(self.request_id, len(body), status=error.status) + self.cors
        if extra_headers:
            names = {name for name, _ in extra_headers}
            headers = [header for header in headers if header[0] not in names]
            headers.extend(extra_headers)
        await self.send({"type": "http.response.start", "status": error.status, "headers": headers})
        await self.send({"type": "http.response.body", "body": body})

    async def record_failure(self, error: ApiError) -> None:
        details: dict[str, Any] = {"status": error.status, "method": self.method, "path": self.path}
        if self.query:
            details["query"] = self.query.decode("latin-1")
        details.update(self._key_details())
        if error.error_code:
            details["error_code"] = error.error_code
        if self.fault is not None:
            details["fault"] = {
                "rule_id": self.fault.rule_id,
                "error": self.fault.error,
                "source": "header" if self._fault_header is not None else "script",
            }
        event = OperationRecorded(
            plane="data",
            operation=self.operation,
            outcome="failure",
            reason=f"{error.error_type}: {error.message}",
            details=details,
        )
        try:
            await self.runtime.record(
                f"request-{self.request_id}", [event], tenant_id=self.tenant_id, correlation_id=self.request_id
            )
        except Exception:
            log.exception("could not record the failure of %s %s (%s)", self.method, self.path, self.request_id)

    def _key_details(self) -> dict[str, Any]:
        if self.key is not None:
            return {"api_key_id": self.key.api_key_id, "key_hint": self.key.key_hint}
        presented = self.presented_key()
        return {"key_hint": mask_key(presented)} if presented else {}
