"""The one exception the API layer turns into an Anthropic error envelope.

Everything that rejects a request (decoding, version and beta gating, semantic
validation, the model catalog) raises :class:`ApiError`. The HTTP layer maps it to::

    HTTP <status>
    {"type":"error","error":{"type":<error_type>,"message":<message>
                             [,"details":{"error_code":<error_code>}]},
     "request_id":"req_..."}

with :func:`twin.wire.response.error_envelope`. The constructors below carry the
status/type pairs of the public API (reference §13.2); the message is always the
caller's, so that every module states its own real wording.
"""

from __future__ import annotations

__all__ = [
    "ApiError",
    "api_error",
    "authentication",
    "billing",
    "invalid_request",
    "not_found",
    "overloaded",
    "permission",
    "rate_limit",
    "request_too_large",
]


class ApiError(Exception):
    """A request the twin answers with an Anthropic error envelope.

    Attributes:
        status: the HTTP status code (400, 401, 404, 413, 429, 500, 529, ...).
        error_type: the envelope's ``error.type`` (``invalid_request_error``, ...).
        message: the envelope's ``error.message``, the real API's wording where known.
        error_code: ``error.details.error_code`` when the real API sends one
            (it selects the SDK's typed exception subclass), else ``None``.
    """

    __slots__ = ("error_code", "error_type", "message", "status")

    def __init__(self, status: int, error_type: str, message: str, error_code: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.error_type = error_type
        self.message = message
        self.error_code = error_code

    def __repr__(self) -> str:
        code = f", error_code={self.error_code!r}" if self.error_code else ""
        return f"ApiError({self.status}, {self.error_type!r}, {self.message!r}{code})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ApiError):
            return NotImplemented
        return (self.status, self.error_type, self.message, self.error_code) == (
            other.status,
            other.error_type,
            other.message,
            other.error_code,
        )

    def __hash__(self) -> int:
        return hash((self.status, self.error_type, self.message, self.error_code))


def invalid_request(message: str, error_code: str | None = None) -> ApiError:
    """400 ``invalid_request_error``: the body or headers are not acceptable."""
    return ApiError(400, "invalid_request_error", message, error_code)


def authentication(message: str = "invalid x-api-key") -> ApiError:
    """401 ``authentication_error``."""
    return ApiError(401, "authentication_error", message)


def billing(message: str = "Billing error", error_code: str | None = None) -> ApiError:
    """402 ``billing_error``."""
    return ApiError(402, "billing_error", message, error_code)


def permission(message: str, error_code: str | None = None) -> ApiError:
    """403 ``permission_error``."""
    return ApiError(403, "permission_error", message, error_code)


def not_found(message: str = "Not found", error_code: str | None = None) -> ApiError:
    """404 ``not_found_error`` (unknown or retired model: ``model: <id>``)."""
    return ApiError(404, "not_found_error", message, error_code)


def request_too_large(message: str = "Request exceeds the maximum allowed number of bytes.") -> ApiError:
    """413 ``request_too_large`` (the real one comes from the edge, before the API)."""
    return ApiError(413, "request_too_large", message)


def rate_limit(message: str, error_code: str | None = None) -> ApiError:
    """429 ``rate_limit_error``."""
    return ApiError(429, "rate_limit_error", message, error_code)


def api_error(message: str = "Internal server error") -> ApiError:
    """500 ``api_error``."""
    return ApiError(500, "api_error", message)


def overloaded(message: str = "Overloaded") -> ApiError:
    """529 ``overloaded_error``."""
    return ApiError(529, "overloaded_error", message)
