"""The provider surface's routes, served raw (no framework), and the one error boundary.

    POST /v1/messages                 data.messages.create
    POST /v1/messages/count_tokens    data.messages.count_tokens
    GET  /v1/models                   data.models.list
    GET  /v1/models/{model_id}        data.models.get

Any query string (``?beta=true`` from Claude Code and the 1.x SDKs' beta calls) is accepted.
Unknown ``/v1`` paths are 404 ``not_found_error`` ``Not Found``, a known path with another
method 405 ``Method Not Allowed`` (with ``allow``), both in the Anthropic envelope.

Every answer, error or not, carries ``request-id`` and the other headers of
:mod:`.headers`; every rejection is recorded as a failed ``operation.recorded`` with the
request id as its correlation id. An unexpected exception is logged and answered 500
``api_error`` ``Internal server error`` (or, mid-stream, closes the stream); never a hang.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from twin.wire.errors import ApiError, api_error, not_found

from ..asgi import ClientGone, Receive, Scope, Send
from .call import Call, InjectedFault
from .headers import HeaderFactory
from .messages import count_tokens, create_message
from .models import get_model, list_models_page

if TYPE_CHECKING:
    from twin.runtime import Runtime

log = logging.getLogger("twin.provider")

__all__ = ["ProviderRouter"]

Handler = Callable[[Call, Receive], Awaitable[None]]
Route = tuple[str, dict[str, Handler]]

_MESSAGES: Route = ("data.messages.create", {"POST": create_message})
_COUNT_TOKENS: Route = ("data.messages.count_tokens", {"POST": count_tokens})
_MODELS: Route = ("data.models.list", {"GET": list_models_page})
_MODEL: Route = ("data.models.get", {"GET": get_model})
_UNKNOWN: Route = ("data.unknown", {})

ROUTES: dict[str, Route] = {
    "/v1/messages": _MESSAGES,
    "/v1/messages/count_tokens": _COUNT_TOKENS,
    "/v1/models": _MODELS,
}
_MODEL_PREFIX = "/v1/models/"


def match(path: str) -> Route:
    route = ROUTES.get(path)
    if route is not None:
        return route
    if path.startswith(_MODEL_PREFIX) and len(path) > len(_MODEL_PREFIX) and "/" not in path[len(_MODEL_PREFIX) :]:
        return _MODEL
    return _UNKNOWN


class ProviderRouter:
    """Serves every ``/v1`` request of one worker."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.headers = HeaderFactory(runtime.deployment.organization_id)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        operation, methods = match(scope["path"])
        call = Call(self.runtime, self.headers, scope, send, operation)
        try:
            handler = methods.get(call.method)
            if handler is None and call.method == "OPTIONS" and methods:
                await _preflight(call, scope, methods)
                return
            if handler is None:
                call.identify()
                if not methods:
                    await call.reject(not_found("Not Found"))
                else:
                    allow = ", ".join(methods).encode()
                    await call.reject(ApiError(405, "invalid_request_error", "Method Not Allowed"), [(b"allow", allow)])
                return
            await handler(call, receive)
        except ApiError as error:
            call.identify()
            await call.reject(error)
        except InjectedFault as fault:
            await call.reject(fault.answer.error, list(fault.answer.headers))
        except ClientGone:
            return
        except Exception:
            log.exception("unexpected error on %s %s (%s)", call.method, call.path, call.request_id)
            if call.started:
                return  # the stream is cut short; the client sees an incomplete stream, not a hang
            try:
                await call.reject(api_error())
            except Exception:
                log.exception("could not answer %s", call.request_id)


async def _preflight(call: Call, scope: Scope, methods: dict[str, Handler]) -> None:
    """A CORS preflight (browsers; the SDKs' ``dangerouslyAllowBrowser``): allowed, not recorded."""
    requested = b"*"
    for name, value in scope["headers"]:
        if name == b"access-control-request-headers":
            requested = value
    origin = call.cors[0][1] if call.cors else b"*"
    call.started = True
    headers = [
        (b"request-id", call.request_id.encode()),
        (b"access-control-allow-origin", origin),
        (b"access-control-allow-methods", ", ".join([*methods, "OPTIONS"]).encode()),
        (b"access-control-allow-headers", requested),
        (b"access-control-max-age", b"86400"),
        (b"content-length", b"0"),
    ]
    await call.send({"type": "http.response.start", "status": 204, "headers": headers})
    await call.send({"type": "http.response.body", "body": b""})
