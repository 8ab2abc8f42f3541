"""The twin plane's error envelope: `{"error": "<message>"}` with a fitting status.

Handlers raise `PlaneError`; the exception handlers registered on the Litestar app turn it,
Litestar's own HTTP errors (unknown path, wrong method, oversize body) and anything
unexpected into that envelope, so that no twin-plane answer is ever an HTML page or a bare 500.
"""

from __future__ import annotations

import logging
from typing import Any

from litestar import Request, Response
from litestar.exceptions import HTTPException

log = logging.getLogger("twin.plane")

CORRELATION_HEADER = "request-id"


class PlaneError(Exception):
    def __init__(self, status: int, message: str, *, reason: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.reason = reason or message


def bad_request(message: str) -> PlaneError:
    return PlaneError(400, message)


def unauthorized(message: str) -> PlaneError:
    return PlaneError(401, message)


def forbidden(message: str) -> PlaneError:
    return PlaneError(403, message)


def not_found(message: str) -> PlaneError:
    return PlaneError(404, message)


def too_large(limit: int) -> PlaneError:
    return PlaneError(413, f"request body too large: the limit is {limit} bytes")


def error_response(status: int, message: str, correlation_id: str | None = None) -> Response[Any]:
    headers = {CORRELATION_HEADER: correlation_id} if correlation_id else {}
    if status == 401:
        headers["www-authenticate"] = 'Basic realm="twin"'
    return Response({"error": message}, status_code=status, headers=headers)


def _correlation(request: Request[Any, Any, Any]) -> str | None:
    value = request.scope.get("state", {}).get("correlation_id")
    return value if isinstance(value, str) else None


def handle_plane_error(request: Request[Any, Any, Any], exc: PlaneError) -> Response[Any]:
    return error_response(exc.status, exc.message, _correlation(request))


def handle_http_exception(request: Request[Any, Any, Any], exc: HTTPException) -> Response[Any]:
    status = exc.status_code
    if status == 404:
        message = f"not found: {request.method} {request.url.path}"
    elif status == 405:
        message = f"method not allowed: {request.method} {request.url.path}"
    elif status == 413:
        message = "request body too large"
    else:
        message = str(exc.detail) if exc.detail else "bad request"
    return error_response(status, message, _correlation(request))


def handle_unexpected(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    log.exception("unexpected error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, "internal error", _correlation(request))


EXCEPTION_HANDLERS: dict[Any, Any] = {
    PlaneError: handle_plane_error,
    HTTPException: handle_http_exception,
    Exception: handle_unexpected,
}
