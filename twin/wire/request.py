"""Bodies of ``POST /v1/messages`` and ``POST /v1/messages/count_tokens``.

Mirrors ``anthropic.types.message_create_params`` / ``message_count_tokens_params``
(SDK 2.12.0) plus the fields that only exist on older API versions (``temperature``,
``top_p``, ``top_k`` under ``2023-06-01``) and the beta-only fields of
``anthropic.types.beta.message_create_params``. Which of those a given request may use
is decided after decoding, by :mod:`twin.wire.decode` (version and beta gating); the
Structs themselves accept the union of everything so that one decoder serves all.

Both request Structs are generic in the type of their ``tools`` items: the decoder reads
``MessagesBody[msgspec.Raw]`` and replaces the raw items in place with decoded tools, so
callers only ever see :data:`MessagesRequest` (``MessagesBody[Tool]``).
"""

from __future__ import annotations

from typing import Annotated, Any, ClassVar, Generic, Literal, TypeAlias, TypeVar

import msgspec
from msgspec import UNSET, UnsetType

from twin.wire.base import RequestStruct
from twin.wire.params import CacheControl, ContentBlockParam, TextParam
from twin.wire.tools import AnyToolChoice, Tool

__all__ = [
    "BETA_BODY_FIELDS",
    "LEGACY_SAMPLING_FIELDS",
    "MAX_MESSAGES",
    "ContainerParams",
    "CountTokensBody",
    "CountTokensRequest",
    "Diagnostics",
    "InputMessage",
    "JSONOutputFormat",
    "MessagesBody",
    "MessagesRequest",
    "Metadata",
    "OutputConfig",
    "SkillParams",
    "Thinking",
    "ThinkingAdaptive",
    "ThinkingBetweenTools",
    "ThinkingConfig",
    "ThinkingDisabled",
    "ThinkingEnabled",
]

#: "There is a limit of 100,000 messages in a single request." (SDK docstring)
MAX_MESSAGES = 100_000

#: Removed in API version 2026-10-21; accepted under 2023-06-01.
LEGACY_SAMPLING_FIELDS = ("temperature", "top_p", "top_k")

#: Body fields that exist only in the beta API, with the ``anthropic-beta`` values
#: that unlock each. Sent without one of them: ``<field>: Extra inputs are not permitted``.
BETA_BODY_FIELDS: dict[str, frozenset[str]] = {
    "context_management": frozenset({"context-management-2025-06-27", "compact-2026-01-12", "compact-2026-09-04"}),
    "mcp_servers": frozenset({"mcp-client-2025-04-04", "mcp-client-2025-11-20", "mcp-client-2026-09-15"}),
    "compaction": frozenset({"compact-2026-01-12", "compact-2026-09-04"}),
    "fallbacks": frozenset({"server-side-fallback-2026-06-01", "server-side-fallback-2026-07-01"}),
    "fallback_credit_token": frozenset({"fallback-credit-2026-06-01", "fallback-credit-2026-07-01"}),
    "billing_policy": frozenset({"user-profiles-billing-2026-10-01"}),
    "thread": frozenset({"message-threads-2026-08-12"}),
    "output_format": frozenset({"structured-outputs-2025-11-13"}),
}

UserId = Annotated[str, msgspec.Meta(max_length=256)]
BudgetTokens = Annotated[int, msgspec.Meta(ge=1024)]
NonNegativeInt = Annotated[int, msgspec.Meta(ge=0)]
ToolsT = TypeVar("ToolsT")


class InputMessage(RequestStruct):
    """One entry of ``messages``: ``user``, ``assistant`` or (2.x types) ``system``.

    Beta-only keys: ``clear_at``, the turn-scoped form of a system message
    (``mid-conversation-system-clear-at-2026-08-21``), and ``output_config``, a per-turn
    override that Claude Code puts on its system message (``per-turn-control-2026-07-01``).
    """

    role: Literal["user", "assistant", "system"]
    content: str | list[ContentBlockParam]
    clear_at: Literal["next_user_message"] | UnsetType = UNSET
    output_config: OutputConfig | UnsetType | None = UNSET


# --- thinking -------------------------------------------------------------------------


class ThinkingConfig(RequestStruct, tag_field="type"):
    """Base of the ``thinking`` union."""


class ThinkingEnabled(ThinkingConfig, tag="enabled"):
    """Manual extended thinking with a token budget (``budget_tokens`` >= 1024)."""

    type: ClassVar[str] = "enabled"
    budget_tokens: BudgetTokens
    display: Literal["summarized", "omitted", "updates"] | None = None


class ThinkingDisabled(ThinkingConfig, tag="disabled"):
    type: ClassVar[str] = "disabled"


class ThinkingAdaptive(ThinkingConfig, tag="adaptive"):
    """The model decides when and how much to think (``output_config.effort`` steers it)."""

    type: ClassVar[str] = "adaptive"
    display: Literal["summarized", "omitted", "updates"] | None = None


class ThinkingBetweenTools(ThinkingConfig, tag="between_tools"):
    type: ClassVar[str] = "between_tools"


Thinking: TypeAlias = ThinkingEnabled | ThinkingDisabled | ThinkingBetweenTools | ThinkingAdaptive


# --- small configuration objects ---------------------------------------------------------


class JSONOutputFormat(RequestStruct):
    """``{"type":"json_schema","schema":{...}}`` (structured outputs)."""

    type: Literal["json_schema"]
    schema: dict[str, Any]


class OutputConfig(RequestStruct):
    effort: Literal["low", "medium", "high", "xhigh", "max"] | None = None
    format: JSONOutputFormat | None = None


class Metadata(RequestStruct):
    """``{"user_id"?: str|null}``: an opaque id of the end user."""

    user_id: UserId | None = None


class SkillParams(RequestStruct):
    skill_id: str
    type: Literal["anthropic", "custom"]
    version: str | UnsetType = UNSET


class ContainerParams(RequestStruct):
    id: str | None = None
    skills: list[SkillParams] | None = None


class Diagnostics(RequestStruct):
    """``{"previous_message_id"?: str|null}``: ask for ``diagnostics.cache_miss_reason``."""

    previous_message_id: str | None = None


# --- the two bodies --------------------------------------------------------------------


Messages = Annotated[list[InputMessage], msgspec.Meta(max_length=MAX_MESSAGES)]


class _CommonBody(RequestStruct, Generic[ToolsT]):
    """Optional fields shared by create and count_tokens (required ones come first in
    each subclass, in the SDK's order, which decides the first "Field required")."""

    system: str | list[TextParam] | None = None
    tools: list[ToolsT] | None = None
    tool_choice: AnyToolChoice | None = None
    thinking: Thinking | None = None
    output_config: OutputConfig | None = None
    cache_control: CacheControl | None = None
    speed: Literal["standard", "fast"] | None = None
    # legacy sampling parameters (2023-06-01 only)
    temperature: float | UnsetType | None = UNSET
    top_p: float | UnsetType | None = UNSET
    top_k: int | UnsetType | None = UNSET
    # beta-only (gated on anthropic-beta)
    context_management: dict[str, Any] | UnsetType | None = UNSET
    mcp_servers: list[dict[str, Any]] | UnsetType = UNSET
    compaction: dict[str, Any] | UnsetType | None = UNSET
    output_format: dict[str, Any] | UnsetType | None = UNSET


class MessagesBody(_CommonBody[ToolsT], kw_only=True):
    """``POST /v1/messages``. Use :data:`MessagesRequest`; this is the generic shape."""

    max_tokens: NonNegativeInt
    messages: Messages
    model: str
    stream: bool | None = None
    stop_sequences: list[str] | None = None
    metadata: Metadata | None = None
    service_tier: Literal["auto", "standard_only"] | None = None
    inference_geo: str | None = None
    container: ContainerParams | str | None = None
    diagnostics: Diagnostics | None = None
    # beta-only
    fallbacks: list[dict[str, Any]] | str | UnsetType | None = UNSET
    fallback_credit_token: Any | UnsetType = UNSET
    billing_policy: dict[str, Any] | UnsetType | None = UNSET
    thread: dict[str, Any] | UnsetType | None = UNSET


class CountTokensBody(_CommonBody[ToolsT], kw_only=True):
    """``POST /v1/messages/count_tokens``: no ``max_tokens``, ``stream``, ``metadata``..."""

    messages: Messages
    model: str


#: A decoded ``POST /v1/messages`` body.
MessagesRequest: TypeAlias = MessagesBody[Tool]
#: A decoded ``POST /v1/messages/count_tokens`` body.
CountTokensRequest: TypeAlias = CountTokensBody[Tool]
