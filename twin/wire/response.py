"""Response bodies: ``Message``, its content blocks and usage, token counts, errors.

Key order follows real 2026 bodies (reference §6, a byte-for-byte capture)::

    {"model":..,"id":..,"type":"message","role":"assistant","content":[..],
     ["container":..,] "stop_reason":..,"stop_sequence":..,"stop_details":..,"usage":{..}}

    "usage":{"input_tokens":..,"cache_creation_input_tokens":..,"cache_read_input_tokens":..,
             "cache_creation":{"ephemeral_5m_input_tokens":..,"ephemeral_1h_input_tokens":..},
             "output_tokens":..,"output_tokens_details":{"thinking_tokens":..},
             "service_tier":"standard","inference_geo":"global"}

Fields the real API omits unless they apply (``container``, ``diagnostics``,
``server_tool_use``, ``speed``, a text block's ``citations``...) default to ``UNSET``
and are then left out of the JSON; set them (``None`` included) to send them.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal, TypeAlias

from msgspec import UNSET, UnsetType, field

from twin.wire.base import ResponseStruct
from twin.wire.params import Caller, Citation, DirectCaller

__all__ = [
    "CacheCreation",
    "ContainerInfo",
    "ContainerSkill",
    "ContentBlock",
    "ErrorBody",
    "ErrorDetails",
    "ErrorEnvelope",
    "Message",
    "MessageTokensCount",
    "OutputTokensDetails",
    "RedactedThinkingBlock",
    "RefusalStopDetails",
    "ServerToolUsage",
    "ServerToolUseBlock",
    "StopReason",
    "TextBlock",
    "ThinkingBlock",
    "ToolUseBlock",
    "Usage",
    "error_envelope",
]

StopReason: TypeAlias = Literal[
    "end_turn",
    "max_tokens",
    "stop_sequence",
    "tool_use",
    "pause_turn",
    "refusal",
    "model_context_window_exceeded",
]


class _Block(ResponseStruct, tag_field="type"):
    """A ``type``-tagged response content block (``type`` is encoded first)."""


class TextBlock(_Block, tag="text", kw_only=True):
    type: ClassVar[str] = "text"
    text: str
    citations: list[Citation] | UnsetType | None = UNSET


class ThinkingBlock(_Block, tag="thinking", kw_only=True):
    """With ``display: "omitted"`` the real API sends ``"thinking": ""`` plus the signature."""

    type: ClassVar[str] = "thinking"
    thinking: str
    signature: str


class RedactedThinkingBlock(_Block, tag="redacted_thinking", kw_only=True):
    type: ClassVar[str] = "redacted_thinking"
    data: str


class ToolUseBlock(_Block, tag="tool_use", kw_only=True):
    """``{"type":"tool_use","id":"toolu_..","name":..,"input":{..},"caller":{"type":"direct"}}``."""

    type: ClassVar[str] = "tool_use"
    id: str
    name: str
    input: dict[str, Any]
    caller: Caller | UnsetType = field(default_factory=DirectCaller)
    toolset_name: str | UnsetType = UNSET


class ServerToolUseBlock(_Block, tag="server_tool_use", kw_only=True):
    type: ClassVar[str] = "server_tool_use"
    id: str
    name: str
    input: dict[str, Any]
    caller: Caller | UnsetType = UNSET


ContentBlock: TypeAlias = TextBlock | ThinkingBlock | RedactedThinkingBlock | ToolUseBlock | ServerToolUseBlock


class CacheCreation(ResponseStruct, kw_only=True):
    ephemeral_5m_input_tokens: int = 0
    ephemeral_1h_input_tokens: int = 0


class OutputTokensDetails(ResponseStruct, kw_only=True):
    thinking_tokens: int = 0


class ServerToolUsage(ResponseStruct, kw_only=True):
    web_search_requests: int = 0
    web_fetch_requests: int = 0


class Usage(ResponseStruct, kw_only=True):
    """Every ``Usage`` field of SDK 2.12.0, in the order of a real 2026 body."""

    input_tokens: int
    cache_creation_input_tokens: int | None = 0
    cache_read_input_tokens: int | None = 0
    cache_creation: CacheCreation | None = field(default_factory=CacheCreation)
    output_tokens: int
    output_tokens_details: OutputTokensDetails | UnsetType | None = field(default_factory=OutputTokensDetails)
    server_tool_use: ServerToolUsage | UnsetType | None = UNSET
    service_tier: Literal["standard", "priority", "batch"] | None = "standard"
    inference_geo: str | UnsetType | None = "global"
    speed: Literal["standard", "fast"] | UnsetType | None = UNSET


class RefusalStopDetails(ResponseStruct, kw_only=True):
    type: Literal["refusal"] = "refusal"
    category: Literal["cyber", "bio", "frontier_llm", "reasoning_extraction", "general_harms"] | None = None
    explanation: str | None = None


class ContainerSkill(ResponseStruct, kw_only=True):
    skill_id: str
    type: Literal["anthropic", "custom"]
    version: str


class ContainerInfo(ResponseStruct, kw_only=True):
    """``{"id":..,"expires_at":"<RFC 3339>"[,"skills":[..]]}``."""

    id: str
    expires_at: str
    skills: list[ContainerSkill] | UnsetType | None = UNSET


class Message(ResponseStruct, kw_only=True):
    """The non-streaming answer, and (empty) the ``message_start`` payload."""

    model: str
    id: str
    type: Literal["message"] = "message"
    role: Literal["assistant"] = "assistant"
    content: list[ContentBlock]
    container: ContainerInfo | UnsetType | None = UNSET
    stop_reason: StopReason | None
    stop_sequence: str | None = None
    stop_details: RefusalStopDetails | None = None
    usage: Usage
    diagnostics: dict[str, Any] | UnsetType | None = UNSET


class MessageTokensCount(ResponseStruct, kw_only=True):
    """``POST /v1/messages/count_tokens``: ``{"input_tokens": N}``."""

    input_tokens: int
    context_management: dict[str, Any] | UnsetType | None = UNSET


# --- errors -------------------------------------------------------------------------------


class ErrorDetails(ResponseStruct, kw_only=True):
    error_code: str


class ErrorBody(ResponseStruct, kw_only=True):
    type: str
    message: str
    details: ErrorDetails | UnsetType = UNSET


class ErrorEnvelope(ResponseStruct, kw_only=True):
    """``{"type":"error","error":{"type":..,"message":..[,"details":{..}]},"request_id":..}``."""

    type: Literal["error"] = "error"
    error: ErrorBody
    request_id: str | UnsetType | None = UNSET


def error_envelope(
    error_type: str,
    message: str,
    *,
    request_id: str | UnsetType | None = UNSET,
    error_code: str | None = None,
) -> ErrorEnvelope:
    """The envelope for an :class:`~twin.wire.errors.ApiError`'s parts."""
    details: ErrorDetails | UnsetType = ErrorDetails(error_code=error_code) if error_code else UNSET
    return ErrorEnvelope(error=ErrorBody(type=error_type, message=message, details=details), request_id=request_id)
