"""Tool definitions (the ``tools`` array) and ``tool_choice``.

A custom tool may omit ``type`` (or send ``null`` or ``"custom"``), so the tools array
is not a plain tagged union: :mod:`twin.wire.decode` keeps each item raw, decodes it as
a :class:`CustomTool` first (by far the common case) and falls back to the tagged union
of Anthropic-defined tools (:data:`ServerTool`) when the item names another type. Error
paths follow the real API: ``tools.3.custom.name``, ``tools.1.web_search_20250305.max_uses``.

A custom tool's ``input_schema`` stays a :class:`msgspec.Raw` JSON object: Claude Code
sends ~80 KB of schemas per request and the twin only needs them when it fakes a call
(:meth:`CustomTool.schema`).
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Literal, TypeAlias

import msgspec
from msgspec import UNSET, Raw, UnsetType

from twin.wire.base import RequestStruct
from twin.wire.params import CacheControl, CitationsConfig, raw_to_dict

__all__ = [
    "BETA_TOOL_TYPES",
    "GA_TOOL_TAGS",
    "TOOL_NAME_PATTERN",
    "AnyTool",
    "AnyToolChoice",
    "CustomTool",
    "ServerTool",
    "Tool",
    "ToolChoice",
    "ToolChoiceAuto",
    "ToolChoiceNone",
    "ToolChoiceTool",
    "Toolset",
]

TOOL_NAME_PATTERN = "^[a-zA-Z0-9_-]{1,128}$"
ToolName = Annotated[str, msgspec.Meta(min_length=1, max_length=128, pattern=TOOL_NAME_PATTERN)]
AllowedCaller: TypeAlias = Literal[
    "direct", "code_execution_20250825", "code_execution_20260120", "code_execution_20260521"
]


class CustomTool(RequestStruct):
    """A client tool: ``{name, input_schema, description?, type?: "custom", ...}``."""

    kind: ClassVar[str] = "custom"
    name: ToolName
    input_schema: Raw
    type: Literal["custom"] | None = None
    description: str | UnsetType = UNSET
    cache_control: CacheControl | None = None
    strict: bool | UnsetType = UNSET
    defer_loading: bool | UnsetType = UNSET
    eager_input_streaming: bool | None = None
    input_examples: list[dict[str, Any]] | UnsetType = UNSET
    allowed_callers: list[AllowedCaller] | UnsetType = UNSET

    def schema(self) -> dict[str, Any]:
        """The tool's JSON Schema, parsed."""
        return raw_to_dict(self.input_schema)


class _ServerTool(RequestStruct, tag_field="type"):
    """An Anthropic-defined tool; its ``type`` is the union tag, ``name`` is fixed."""

    kind: ClassVar[str] = "server"
    allowed_callers: list[AllowedCaller] | UnsetType = UNSET
    cache_control: CacheControl | None = None
    defer_loading: bool | UnsetType = UNSET
    strict: bool | UnsetType = UNSET


class BashTool20250124(_ServerTool, tag="bash_20250124", kw_only=True):
    name: Literal["bash"]
    input_examples: list[dict[str, Any]] | UnsetType = UNSET


class TextEditor20250124(_ServerTool, tag="text_editor_20250124", kw_only=True):
    name: Literal["str_replace_editor"]
    input_examples: list[dict[str, Any]] | UnsetType = UNSET


class TextEditor20250429(_ServerTool, tag="text_editor_20250429", kw_only=True):
    name: Literal["str_replace_based_edit_tool"]
    input_examples: list[dict[str, Any]] | UnsetType = UNSET


class TextEditor20250728(_ServerTool, tag="text_editor_20250728", kw_only=True):
    name: Literal["str_replace_based_edit_tool"]
    input_examples: list[dict[str, Any]] | UnsetType = UNSET
    max_characters: int | None = None


class CodeExecution20250522(_ServerTool, tag="code_execution_20250522", kw_only=True):
    name: Literal["code_execution"]


class CodeExecution20250825(_ServerTool, tag="code_execution_20250825", kw_only=True):
    name: Literal["code_execution"]


class CodeExecution20260120(_ServerTool, tag="code_execution_20260120", kw_only=True):
    name: Literal["code_execution"]


class CodeExecution20260521(_ServerTool, tag="code_execution_20260521", kw_only=True):
    name: Literal["code_execution"]


class Memory20250818(_ServerTool, tag="memory_20250818", kw_only=True):
    name: Literal["memory"]
    input_examples: list[dict[str, Any]] | UnsetType = UNSET


class UserLocation(RequestStruct):
    type: Literal["approximate"]
    city: str | None = None
    country: str | None = None
    region: str | None = None
    timezone: str | None = None


class _WebSearch(_ServerTool, kw_only=True):
    name: Literal["web_search"]
    allowed_domains: list[str] | None = None
    blocked_domains: list[str] | None = None
    max_uses: int | None = None
    user_location: UserLocation | None = None


class WebSearch20250305(_WebSearch, tag="web_search_20250305", kw_only=True):
    pass


class WebSearch20260209(_WebSearch, tag="web_search_20260209", kw_only=True):
    pass


class WebSearch20260318(_WebSearch, tag="web_search_20260318", kw_only=True):
    response_inclusion: Literal["full", "excluded"] | UnsetType = UNSET


class _WebFetch(_ServerTool, kw_only=True):
    name: Literal["web_fetch"]
    allowed_domains: list[str] | None = None
    blocked_domains: list[str] | None = None
    citations: CitationsConfig | None = None
    max_content_tokens: int | None = None
    max_uses: int | None = None
    url_sources: dict[str, Any] | None = None


class WebFetch20250910(_WebFetch, tag="web_fetch_20250910", kw_only=True):
    pass


class WebFetch20260209(_WebFetch, tag="web_fetch_20260209", kw_only=True):
    pass


class WebFetch20260309(_WebFetch, tag="web_fetch_20260309", kw_only=True):
    use_cache: bool | UnsetType = UNSET


class WebFetch20260318(_WebFetch, tag="web_fetch_20260318", kw_only=True):
    use_cache: bool | UnsetType = UNSET
    response_inclusion: Literal["full", "excluded"] | UnsetType = UNSET


class ToolSearchBm25(_ServerTool, tag="tool_search_tool_bm25_20251119", kw_only=True):
    name: Literal["tool_search_tool_bm25"]


class ToolSearchBm25Undated(_ServerTool, tag="tool_search_tool_bm25", kw_only=True):
    name: Literal["tool_search_tool_bm25"]


class ToolSearchRegex(_ServerTool, tag="tool_search_tool_regex_20251119", kw_only=True):
    name: Literal["tool_search_tool_regex"]


class ToolSearchRegexUndated(_ServerTool, tag="tool_search_tool_regex", kw_only=True):
    name: Literal["tool_search_tool_regex"]


class Toolset(RequestStruct, tag_field="type"):
    """``browser_toolset_20260801`` / ``computer_toolset_20260801``: no name, per-action configs."""

    kind: ClassVar[str] = "toolset"
    cache_control: CacheControl | None = None
    configs: dict[str, Any] | None = None


class BrowserToolset20260801(Toolset, tag="browser_toolset_20260801"):
    toolset_name: ClassVar[str] = "browser"


class ComputerToolset20260801(Toolset, tag="computer_toolset_20260801"):
    toolset_name: ClassVar[str] = "computer"


# --- beta-only tool types (need the matching anthropic-beta value) -----------------------


class BashTool20241022(_ServerTool, tag="bash_20241022", kw_only=True):
    name: Literal["bash"]
    input_examples: list[dict[str, Any]] | UnsetType = UNSET


class TextEditor20241022(_ServerTool, tag="text_editor_20241022", kw_only=True):
    name: Literal["str_replace_editor"]
    input_examples: list[dict[str, Any]] | UnsetType = UNSET


class _Computer(_ServerTool, kw_only=True):
    name: Literal["computer"]
    display_height_px: int
    display_width_px: int
    display_number: int | None = None
    input_examples: list[dict[str, Any]] | UnsetType = UNSET


class Computer20241022(_Computer, tag="computer_20241022", kw_only=True):
    pass


class Computer20250124(_Computer, tag="computer_20250124", kw_only=True):
    pass


class Computer20251124(_Computer, tag="computer_20251124", kw_only=True):
    enable_zoom: bool | UnsetType = UNSET


class Advisor20260301(_ServerTool, tag="advisor_20260301", kw_only=True):
    name: Literal["advisor"]
    model: str
    caching: CacheControl | None = None
    max_tokens: int | None = None
    max_uses: int | None = None


class MCPToolset(RequestStruct, tag="mcp_toolset", tag_field="type"):
    kind: ClassVar[str] = "mcp_toolset"
    mcp_server_name: str
    cache_control: CacheControl | None = None
    configs: dict[str, Any] | None = None
    default_config: dict[str, Any] | UnsetType = UNSET
    tools: list[dict[str, Any]] | None = None


#: The GA tool union in SDK order (``ToolUnionParam`` minus the custom tool).
ServerTool: TypeAlias = (
    BashTool20250124
    | CodeExecution20250522
    | CodeExecution20250825
    | CodeExecution20260120
    | CodeExecution20260521
    | BrowserToolset20260801
    | Memory20250818
    | ComputerToolset20260801
    | TextEditor20250124
    | TextEditor20250429
    | TextEditor20250728
    | WebSearch20250305
    | WebFetch20250910
    | WebSearch20260209
    | WebFetch20260209
    | WebFetch20260309
    | WebSearch20260318
    | WebFetch20260318
    | ToolSearchBm25
    | ToolSearchBm25Undated
    | ToolSearchRegex
    | ToolSearchRegexUndated
)

#: GA tools plus the beta-only ones; used when the request carries any beta header.
AnyTool: TypeAlias = (
    ServerTool
    | BashTool20241022
    | TextEditor20241022
    | Computer20241022
    | Computer20250124
    | Computer20251124
    | Advisor20260301
    | MCPToolset
)

#: What a decoded ``tools`` item can be.
Tool: TypeAlias = CustomTool | AnyTool

GA_TOOL_TAGS: tuple[str, ...] = (
    "custom",
    "bash_20250124",
    "code_execution_20250522",
    "code_execution_20250825",
    "code_execution_20260120",
    "code_execution_20260521",
    "browser_toolset_20260801",
    "memory_20250818",
    "computer_toolset_20260801",
    "text_editor_20250124",
    "text_editor_20250429",
    "text_editor_20250728",
    "web_search_20250305",
    "web_fetch_20250910",
    "web_search_20260209",
    "web_fetch_20260209",
    "web_fetch_20260309",
    "web_search_20260318",
    "web_fetch_20260318",
    "tool_search_tool_bm25_20251119",
    "tool_search_tool_bm25",
    "tool_search_tool_regex_20251119",
    "tool_search_tool_regex",
)

#: Beta-only tool types and the ``anthropic-beta`` values that unlock each.
BETA_TOOL_TYPES: dict[str, frozenset[str]] = {
    "bash_20241022": frozenset({"computer-use-2024-10-22"}),
    "text_editor_20241022": frozenset({"computer-use-2024-10-22"}),
    "computer_20241022": frozenset({"computer-use-2024-10-22"}),
    "computer_20250124": frozenset({"computer-use-2025-01-24"}),
    "computer_20251124": frozenset({"computer-use-2025-11-24"}),
    "advisor_20260301": frozenset({"advisor-tool-2026-03-01"}),
    "mcp_toolset": frozenset({"mcp-client-2025-11-20", "mcp-client-2026-09-15"}),
}


# --- tool_choice ---------------------------------------------------------------------------


class ToolChoice(RequestStruct, tag_field="type"):
    """Base of the ``tool_choice`` union."""


class ToolChoiceAuto(ToolChoice, tag="auto"):
    type: ClassVar[str] = "auto"
    disable_parallel_tool_use: bool | UnsetType = UNSET


class ToolChoiceAny(ToolChoice, tag="any"):
    type: ClassVar[str] = "any"
    disable_parallel_tool_use: bool | UnsetType = UNSET


class ToolChoiceTool(ToolChoice, tag="tool"):
    type: ClassVar[str] = "tool"
    name: str
    disable_parallel_tool_use: bool | UnsetType = UNSET


class ToolChoiceNone(ToolChoice, tag="none"):
    type: ClassVar[str] = "none"


AnyToolChoice: TypeAlias = ToolChoiceAuto | ToolChoiceAny | ToolChoiceTool | ToolChoiceNone
