"""The wire layer of the provider surface: what goes over HTTP, as msgspec Structs.

Pure code (msgspec and orjson only; no web framework, no store, no clock)::

    body bytes ──decode──► MessagesRequest ──(twin.domain.validation)──► Conversation
                   │
                   └─ ApiError (400, real message)

    Message / events / ModelInfo ──encode / sse_event──► bytes

Modules, one job each:

* :mod:`twin.wire.errors`: :class:`ApiError`, the one exception mapped to the error envelope.
* :mod:`twin.wire.versions`: ``anthropic-version`` / ``anthropic-beta`` headers.
* :mod:`twin.wire.params`, :mod:`twin.wire.tools`, :mod:`twin.wire.request`: request Structs.
* :mod:`twin.wire.decode`: body bytes to request Structs, with version and beta gating.
* :mod:`twin.wire.pydantic_errors`: msgspec errors worded like the real API's pydantic ones.
* :mod:`twin.wire.response`, :mod:`twin.wire.events`, :mod:`twin.wire.models`: response Structs.
* :mod:`twin.wire.encode`: JSON bodies and SSE frames.
"""

from twin.wire.decode import decode_count_tokens_request, decode_messages_request
from twin.wire.encode import encode, sse_event, sse_frame
from twin.wire.errors import ApiError
from twin.wire.request import CountTokensRequest, MessagesRequest
from twin.wire.response import Message, MessageTokensCount, Usage, error_envelope
from twin.wire.versions import parse_betas, resolve_api_version

__all__ = [
    "ApiError",
    "CountTokensRequest",
    "Message",
    "MessageTokensCount",
    "MessagesRequest",
    "Usage",
    "decode_count_tokens_request",
    "decode_messages_request",
    "encode",
    "error_envelope",
    "parse_betas",
    "resolve_api_version",
    "sse_event",
    "sse_frame",
]
