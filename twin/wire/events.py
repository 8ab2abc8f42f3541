"""Server-sent event payloads of a streamed ``POST /v1/messages`` (reference §8).

Each payload is a Struct tagged by ``type``, which msgspec encodes first; the SSE
``event:`` name equals that ``type``. Real data lines are compact JSON except ping,
which is literally ``{"type": "ping"}`` (:data:`PING_DATA`).

Order on the wire: ``message_start`` (a full :class:`~twin.wire.response.Message` with
``content: []``, ``stop_reason: null`` and the input usage), then per block
``content_block_start`` (an *empty* block) / ``content_block_delta``... /
``content_block_stop`` with contiguous 0-based indices, a ``ping`` after the first
start, ``message_delta`` (cumulative ``output_tokens``) and ``message_stop``.
"""

from __future__ import annotations

from typing import Any, ClassVar, TypeAlias

from msgspec import UNSET, UnsetType

from twin.wire.base import ResponseStruct
from twin.wire.params import Citation
from twin.wire.response import (
    ContainerInfo,
    ContentBlock,
    ErrorBody,
    Message,
    OutputTokensDetails,
    RefusalStopDetails,
    ServerToolUsage,
    StopReason,
)

__all__ = [
    "PING_DATA",
    "CitationsDelta",
    "ContentBlockDelta",
    "ContentBlockStart",
    "ContentBlockStop",
    "Delta",
    "ErrorEvent",
    "InputJSONDelta",
    "MessageDelta",
    "MessageDeltaBody",
    "MessageDeltaUsage",
    "MessageStart",
    "MessageStop",
    "Ping",
    "SignatureDelta",
    "StreamEvent",
    "TextDelta",
    "ThinkingDelta",
]

#: The real API's ping data line, spaced as observed.
PING_DATA = b'{"type": "ping"}'


class _Event(ResponseStruct, tag_field="type"):
    """An SSE payload; ``event_name`` is the ``event:`` line."""

    event_name: ClassVar[str]


class _Delta(ResponseStruct, tag_field="type"):
    """A ``content_block_delta.delta``."""


class TextDelta(_Delta, tag="text_delta", kw_only=True):
    text: str


class InputJSONDelta(_Delta, tag="input_json_delta", kw_only=True):
    partial_json: str


class ThinkingDelta(_Delta, tag="thinking_delta", kw_only=True):
    thinking: str


class SignatureDelta(_Delta, tag="signature_delta", kw_only=True):
    signature: str


class CitationsDelta(_Delta, tag="citations_delta", kw_only=True):
    citation: Citation


Delta: TypeAlias = TextDelta | InputJSONDelta | ThinkingDelta | SignatureDelta | CitationsDelta


class MessageStart(_Event, tag="message_start", kw_only=True):
    event_name: ClassVar[str] = "message_start"
    message: Message


class ContentBlockStart(_Event, tag="content_block_start", kw_only=True):
    event_name: ClassVar[str] = "content_block_start"
    index: int
    content_block: ContentBlock


class ContentBlockDelta(_Event, tag="content_block_delta", kw_only=True):
    event_name: ClassVar[str] = "content_block_delta"
    index: int
    delta: Delta


class ContentBlockStop(_Event, tag="content_block_stop", kw_only=True):
    event_name: ClassVar[str] = "content_block_stop"
    index: int


class MessageDeltaBody(ResponseStruct, kw_only=True):
    """``message_delta.delta``: ``stop_details`` and ``container`` only when they apply."""

    stop_reason: StopReason | None
    stop_sequence: str | None = None
    stop_details: RefusalStopDetails | UnsetType | None = UNSET
    container: ContainerInfo | UnsetType | None = UNSET


class MessageDeltaUsage(ResponseStruct, kw_only=True):
    """Cumulative usage. ``output_tokens`` is required; the rest overwrite when present."""

    input_tokens: int | UnsetType | None = UNSET
    cache_creation_input_tokens: int | UnsetType | None = UNSET
    cache_read_input_tokens: int | UnsetType | None = UNSET
    output_tokens: int
    output_tokens_details: OutputTokensDetails | UnsetType | None = UNSET
    server_tool_use: ServerToolUsage | UnsetType | None = UNSET


class MessageDelta(_Event, tag="message_delta", kw_only=True):
    event_name: ClassVar[str] = "message_delta"
    delta: MessageDeltaBody
    usage: MessageDeltaUsage
    context_management: dict[str, Any] | UnsetType | None = UNSET


class MessageStop(_Event, tag="message_stop", kw_only=True):
    event_name: ClassVar[str] = "message_stop"


class Ping(_Event, tag="ping", kw_only=True):
    """Encode with :data:`PING_DATA` to match the real spacing."""

    event_name: ClassVar[str] = "ping"


class ErrorEvent(_Event, tag="error", kw_only=True):
    """A mid-stream error (after HTTP 200): ``{"type":"error","error":{..}[,"request_id":..]}``."""

    event_name: ClassVar[str] = "error"
    error: ErrorBody
    request_id: str | UnsetType | None = UNSET


StreamEvent: TypeAlias = (
    MessageStart
    | ContentBlockStart
    | ContentBlockDelta
    | ContentBlockStop
    | MessageDelta
    | MessageStop
    | Ping
    | ErrorEvent
)
