"""``GET /v1/models`` and ``GET /v1/models/{id}`` bodies (``anthropic.types.model_info``).

``capabilities`` mirrors ``ModelCapabilities``: every key is always present, and every
leaf is ``{"supported": bool}``. Timestamps are RFC 3339 strings (``2026-02-04T00:00:00Z``).
"""

from __future__ import annotations

from typing import Literal

from msgspec import UNSET, UnsetType

from twin.wire.base import ResponseStruct

__all__ = [
    "CapabilitySupport",
    "ContextManagementCapability",
    "EffortCapability",
    "ModelCapabilities",
    "ModelInfo",
    "ModelsPage",
    "ServerToolsCapability",
    "ThinkingCapability",
    "ThinkingTypes",
]


class CapabilitySupport(ResponseStruct, kw_only=True):
    supported: bool


class ContextManagementCapability(ResponseStruct, kw_only=True):
    supported: bool
    clear_thinking_20251015: CapabilitySupport | UnsetType | None = UNSET
    clear_tool_uses_20250919: CapabilitySupport | UnsetType | None = UNSET
    compact_20260112: CapabilitySupport | UnsetType | None = UNSET


class EffortCapability(ResponseStruct, kw_only=True):
    supported: bool
    low: CapabilitySupport
    medium: CapabilitySupport
    high: CapabilitySupport
    max: CapabilitySupport
    xhigh: CapabilitySupport | UnsetType | None = UNSET


class ServerToolsCapability(ResponseStruct, kw_only=True):
    supported: bool
    code_execution: CapabilitySupport
    web_search: CapabilitySupport


class ThinkingTypes(ResponseStruct, kw_only=True):
    adaptive: CapabilitySupport
    between_tools: CapabilitySupport
    disabled: CapabilitySupport
    enabled: CapabilitySupport


class ThinkingCapability(ResponseStruct, kw_only=True):
    supported: bool
    types: ThinkingTypes


class ModelCapabilities(ResponseStruct, kw_only=True):
    batch: CapabilitySupport
    citations: CapabilitySupport
    code_execution: CapabilitySupport
    context_management: ContextManagementCapability
    effort: EffortCapability
    image_input: CapabilitySupport
    pdf_input: CapabilitySupport
    server_tools: ServerToolsCapability
    structured_outputs: CapabilitySupport
    thinking: ThinkingCapability


class ModelInfo(ResponseStruct, kw_only=True):
    type: Literal["model"] = "model"
    id: str
    display_name: str
    created_at: str
    line: Literal["haiku", "sonnet", "opus", "fable", "mythos"] | None
    lifecycle: Literal["active", "deprecated", "retired"]
    deprecated_at: str | None
    retires_at: str | None
    max_input_tokens: int | None
    max_tokens: int | None
    capabilities: ModelCapabilities | None


class ModelsPage(ResponseStruct, kw_only=True):
    """A page of ``GET /v1/models`` (newest first): always with ``has_more``, ``first_id``, ``last_id``."""

    data: list[ModelInfo]
    has_more: bool
    first_id: str | None
    last_id: str | None
