"""Semantic validation of a decoded request, and the normalized conversation it yields.

:mod:`twin.wire.decode` checks shapes; this module checks meaning, with the real API's
messages where they are known (reference §3.4; each rule's docstring says whether its
wording was seen on a real response or chosen by analogy). The rules run in a fixed
order and the first failure is raised as :class:`~twin.wire.errors.ApiError`.

The result, :class:`Conversation`, is what the synthetic model works from: the resolved
model, the system prompt as blocks, the messages **merged** into turns (consecutive
``user`` or ``assistant`` messages form one turn, as the real API does; consecutive
``system`` messages form one system turn, kept in place), the effective thinking
settings, the assistant prefill, and so on. It is pure data; nothing here does I/O.
"""

from __future__ import annotations

import binascii
from collections.abc import Callable, Sequence
from typing import Any, Literal, TypeAlias

import msgspec
from msgspec import UNSET

from twin.domain.catalog import Effort, ModelSpec, ThinkingType, resolve
from twin.wire.errors import invalid_request, not_found
from twin.wire.params import (
    Base64ImageSource,
    Base64PDFSource,
    ContentBlockParam,
    ContentBlockSource,
    DocumentParam,
    ImageParam,
    RedactedThinkingParam,
    SearchResultParam,
    ServerToolUseParam,
    TextParam,
    ThinkingParam,
    ToolResultParam,
    ToolUseParam,
)
from twin.wire.request import (
    CountTokensRequest,
    InputMessage,
    MessagesBody,
    MessagesRequest,
    ThinkingAdaptive,
    ThinkingBetweenTools,
    ThinkingDisabled,
    ThinkingEnabled,
)
from twin.wire.tools import AnyToolChoice, CustomTool, Tool, ToolChoiceAny, ToolChoiceTool, Toolset
from twin.wire.versions import V2026_10_21

__all__ = [
    "MAX_CACHE_BREAKPOINTS",
    "Conversation",
    "ThinkingSettings",
    "Turn",
    "check_context_window",
    "context_window",
    "validate_count_tokens_request",
    "validate_messages_request",
]

MAX_CACHE_BREAKPOINTS = 4
INTERLEAVED_THINKING_BETA = "interleaved-thinking-2025-05-14"
CONTEXT_1M_BETA = "context-1m-2025-08-07"
OUTPUT_300K_BETA = "output-300k-2026-03-24"

Role: TypeAlias = Literal["user", "assistant", "system"]
AnyRequest: TypeAlias = MessagesRequest | CountTokensRequest


# --- the result ------------------------------------------------------------------------------


class Turn(msgspec.Struct, frozen=True, gc=False):
    """One turn after merging: its role, its blocks, and the message indices it came from."""

    role: Role
    blocks: tuple[ContentBlockParam, ...]
    indices: tuple[int, ...]

    def text(self) -> str:
        """The turn's text blocks, concatenated."""
        return "".join(block.text for block in self.blocks if isinstance(block, TextParam))


class ThinkingSettings(msgspec.Struct, frozen=True, gc=False):
    """The thinking the answer should have: the request's, or the model's default."""

    type: ThinkingType
    budget_tokens: int | None
    display: Literal["summarized", "omitted", "updates"]

    @property
    def on(self) -> bool:
        """Whether thinking blocks may appear in the answer."""
        return self.type in ("enabled", "adaptive", "between_tools")


class Conversation(msgspec.Struct, frozen=True, kw_only=True, gc=False):
    """A valid request, normalized for the synthetic model.

    ``turns`` never contains two consecutive ``user`` or ``assistant`` turns. When the
    last turn is an ``assistant`` turn, it is the prefill: the answer continues it and
    ``prefill`` holds its text. ``request`` is the decoded body itself, for what is not
    normalized here (``metadata``, ``service_tier``, ``container``, top-level
    ``cache_control``...).
    """

    request: AnyRequest
    model: ModelSpec
    requested_model: str
    api_version: str
    betas: frozenset[str]
    system: tuple[TextParam, ...]
    turns: tuple[Turn, ...]
    tools: tuple[Tool, ...]
    tool_choice: AnyToolChoice | None
    thinking: ThinkingSettings
    effort: Effort | None
    output_schema: dict[str, Any] | None
    max_tokens: int | None
    stop_sequences: tuple[str, ...]
    stream: bool
    prefill: str | None
    cache_breakpoints: int

    @property
    def last_user_turn(self) -> Turn | None:
        """The latest ``user`` turn (what the answer mostly responds to)."""
        for turn in reversed(self.turns):
            if turn.role == "user":
                return turn
        return None


# --- context shared by the rules -------------------------------------------------------------


class _Ctx:
    """What the rules share: the request, its headers' meaning, and what earlier rules found."""

    __slots__ = (
        "api_version",
        "betas",
        "breakpoints",
        "max_tokens",
        "messages",
        "request",
        "spec",
        "thinking",
        "turns",
    )

    def __init__(self, request: AnyRequest, api_version: str, betas: frozenset[str], max_tokens: int | None) -> None:
        self.request = request
        self.messages: list[InputMessage] = request.messages
        self.api_version = api_version
        self.betas = betas
        self.max_tokens = max_tokens
        self.breakpoints = 0
        self.turns: list[Turn] = []
        self.spec: ModelSpec
        self.thinking: ThinkingSettings


Rule: TypeAlias = Callable[[_Ctx], None]


def _msg_loc(index: int, block: int | None = None) -> str:
    return f"messages.{index}" if block is None else f"messages.{index}.content.{block}"


# --- rules: model and limits ---------------------------------------------------------------------


def check_model(ctx: _Ctx) -> None:
    """Unknown or retired model: 404 ``not_found_error`` ``model: <id>`` (real)."""
    spec = resolve(ctx.request.model)
    if spec is None or not spec.available:
        raise not_found(f"model: {ctx.request.model}")
    ctx.spec = spec
    ctx.thinking = effective_thinking(ctx.request, spec)


def max_output_tokens(spec: ModelSpec, betas: frozenset[str]) -> int:
    """The largest ``max_tokens`` the model takes (the 300k-output beta raises 128k models)."""
    if OUTPUT_300K_BETA in betas and spec.max_tokens >= 128_000:
        return 300_000
    return spec.max_tokens


def check_max_tokens(ctx: _Ctx) -> None:
    """``max_tokens: N > M, which is the maximum allowed number of output tokens for <model>`` (real)."""
    limit = max_output_tokens(ctx.spec, ctx.betas)
    if ctx.max_tokens is not None and ctx.max_tokens > limit:
        raise invalid_request(
            f"max_tokens: {ctx.max_tokens} > {limit}, which is the maximum allowed number of "
            f"output tokens for {ctx.spec.id}"
        )


def check_sampling_params(ctx: _Ctx) -> None:
    """2023-06-01 sampling parameters the model refuses.

    ```temperature` is deprecated for this model.`` (real, Opus 4.7+; the same wording is
    used for ``top_p``/``top_k`` by analogy) and ```temperature` and `top_p` cannot both be
    specified for this model. Please use only one.`` (real, Claude 4.1-4.6).
    """
    request = ctx.request
    if request.temperature is UNSET and request.top_p is UNSET and request.top_k is UNSET:
        return
    given = [name for name in ("temperature", "top_p", "top_k") if getattr(request, name) not in (UNSET, None)]
    if not given:
        return
    features = ctx.spec.features
    if not features.sampling_params:
        raise invalid_request(f"`{given[0]}` is deprecated for this model.")
    if features.exclusive_temperature_top_p and "temperature" in given and "top_p" in given:
        raise invalid_request("`temperature` and `top_p` cannot both be specified for this model. Please use only one.")


# --- rules: message structure --------------------------------------------------------------------


def check_messages_present(ctx: _Ctx) -> None:
    """``messages: at least one message is required`` (chosen; a real 2025 message starts so)."""
    if not ctx.messages:
        raise invalid_request("messages: at least one message is required")


def check_system_prompt(ctx: _Ctx) -> None:
    """Top-level ``system`` text blocks: non-empty, non-whitespace (wording by analogy)."""
    system = ctx.request.system
    if not isinstance(system, list):
        return
    for block in system:
        if not block.text:
            raise invalid_request("system: text content blocks must be non-empty")
        if block.text.isspace():
            raise invalid_request("system: text content blocks must contain non-whitespace text")
        if block.cache_control is not None:
            ctx.breakpoints += 1


def check_non_empty_content(ctx: _Ctx) -> None:
    """``messages.N: all messages must have non-empty content except for the optional final
    assistant message`` (real)."""
    messages = ctx.messages
    last = len(messages) - 1
    for index, message in enumerate(messages):
        if not message.content and not (index == last and message.role == "assistant"):
            raise invalid_request(
                f"messages.{index}: all messages must have non-empty content except for the "
                "optional final assistant message"
            )


def check_system_messages(ctx: _Ctx) -> None:
    """``role: "system"`` entries inside ``messages`` (mid-conversation system messages).

    * model without them: ``role 'system' is not supported on this model`` (real);
    * a run of system messages must follow a ``user`` message (or an assistant turn that
      ends in a server tool call): ``messages.N: role 'system' must follow a 'user'
      message`` (chosen, by analogy with the next one);
    * and must precede an ``assistant`` message or end the array: ``messages.N: role
      'system' must precede an 'assistant' message or end the array`` (real);
    * their content is text only: ``messages.N.content.M: Input tag '<t>' found using
      'type' does not match any of the expected tags: 'text'`` (chosen, pydantic-style).
    """
    messages = ctx.messages
    for message in messages:
        if message.role == "system":
            break
    else:
        return
    if not ctx.spec.features.mid_conversation_system:
        raise invalid_request("role 'system' is not supported on this model")
    count = len(messages)
    index = 0
    while index < count:
        if messages[index].role != "system":
            index += 1
            continue
        start = index
        while index < count and messages[index].role == "system":
            _check_system_content(messages[index], index)
            index += 1
        end = index - 1
        if start == 0 or not _may_precede_system(messages[start - 1]):
            raise invalid_request(f"messages.{start}: role 'system' must follow a 'user' message")
        if end + 1 < count and messages[end + 1].role != "assistant":
            raise invalid_request(f"messages.{end}: role 'system' must precede an 'assistant' message or end the array")


def _may_precede_system(message: InputMessage) -> bool:
    if message.role == "user":
        return True
    content = message.content
    return (
        message.role == "assistant"
        and isinstance(content, list)
        and bool(content)
        and isinstance(content[-1], ServerToolUseParam)
    )


def _check_system_content(message: InputMessage, index: int) -> None:
    if isinstance(message.content, str):
        return
    for position, block in enumerate(message.content):
        if not isinstance(block, TextParam):
            raise invalid_request(
                f"{_msg_loc(index, position)}: Input tag '{block.type}' found using 'type' does not "
                "match any of the expected tags: 'text'"
            )


# --- rules: content blocks -------------------------------------------------------------------------

_JPEG = b"\xff\xd8\xff"
_PNG = b"\x89PNG\r\n\x1a\n"


def sniff_image(data: bytes) -> str | None:
    """The media type an image's leading bytes say it has, if any."""
    if data.startswith(_JPEG):
        return "image/jpeg"
    if data.startswith(_PNG):
        return "image/png"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def _b64decode(data: str) -> bytes | None:
    """Lenient like most base64 readers: stray characters (line breaks) are skipped."""
    try:
        return binascii.a2b_base64(data)
    except (binascii.Error, ValueError):
        return None


def check_image(block: ImageParam, loc: str) -> None:
    """A base64 image must decode and be the declared type.

    Undecodable or unrecognised data: ``Could not process image`` (real, no path). Another
    format than declared: ``<loc>.image.source.base64: The image was specified using the
    image/png media type, but the image appears to be a image/jpeg image`` (real, 2026).
    """
    source = block.source
    if not isinstance(source, Base64ImageSource):
        return
    raw = _b64decode(source.data) if source.data else None
    actual = sniff_image(raw) if raw else None
    if actual is None:
        raise invalid_request("Could not process image")
    if actual != source.media_type:
        raise invalid_request(
            f"{loc}.image.source.base64: The image was specified using the {source.media_type} media type, "
            f"but the image appears to be a {actual} image"
        )


def check_document(block: DocumentParam, loc: str) -> None:
    """A base64 PDF must decode and carry a PDF header in its first KiB:
    ``<loc>.pdf.source.base64.data: The PDF specified was not valid.`` (real; the real path
    names the block ``pdf``). Images inside a ``content`` source are checked like images."""
    source = block.source
    if isinstance(source, Base64PDFSource):
        raw = _b64decode(source.data) if source.data else None
        if not raw or b"%PDF-" not in raw[:1024]:
            raise invalid_request(f"{loc}.pdf.source.base64.data: The PDF specified was not valid.")
    elif isinstance(source, ContentBlockSource) and isinstance(source.content, list):
        for position, item in enumerate(source.content):
            item_loc = f"{loc}.document.source.content.content.{position}"
            if isinstance(item, ImageParam):
                check_image(item, item_loc)
            else:
                _check_text(item)


def _check_text(block: TextParam) -> None:
    """``messages: text content blocks must be non-empty`` / ``... must contain non-whitespace
    text`` (both real)."""
    text = block.text
    if not text:
        raise invalid_request("messages: text content blocks must be non-empty")
    if text.isspace():
        raise invalid_request("messages: text content blocks must contain non-whitespace text")


def _is_object(raw: Any) -> bool:
    return bytes(memoryview(raw)[:1]) == b"{"


_NO_USER_CITATIONS = "citations are not allowed in user messages"
_CALLS = (ToolUseParam, ServerToolUseParam)
_USER_ONLY = (ToolResultParam,)
_ASSISTANT_ONLY = (ToolUseParam, ThinkingParam, RedactedThinkingParam, ServerToolUseParam)


def check_content_blocks(ctx: _Ctx) -> None:
    """One pass over every message block: the per-block rules, and the cache breakpoints.

    Text: ``messages: text content blocks must be non-empty`` / ``... must contain
    non-whitespace text`` (real; a whitespace-only final assistant text is left to the
    prefill rule). Under 2026-10-21, user text with citations and assistant documents are
    refused (reference §3.3; wording chosen).
    """
    messages = ctx.messages
    last = len(messages) - 1
    strict_2026 = ctx.api_version >= V2026_10_21
    for index, message in enumerate(messages):
        content = message.content
        role = message.role
        final_assistant = index == last and role == "assistant"
        if isinstance(content, str):
            if content and content.isspace() and not final_assistant:
                raise invalid_request("messages: text content blocks must contain non-whitespace text")
            continue
        for position, block in enumerate(content):
            if getattr(block, "cache_control", None) is not None:
                ctx.breakpoints += 1
            if isinstance(block, TextParam):
                if not (final_assistant and block.text and block.text.isspace()):
                    _check_text(block)
                if strict_2026 and role == "user" and block.citations:
                    raise invalid_request(f"{_msg_loc(index, position)}.text.citations: {_NO_USER_CITATIONS}")
                continue
            _check_block(ctx, block, role, index, position, strict_2026)


def _check_block(ctx: _Ctx, block: ContentBlockParam, role: Role, index: int, position: int, strict_2026: bool) -> None:
    """Rules for non-text blocks (role placement wording chosen; the rest as documented)."""
    loc = _msg_loc(index, position)
    if role == "assistant" and isinstance(block, _USER_ONLY):
        raise invalid_request(f"{loc}: `{block.type}` blocks are only allowed in user messages")
    if role == "user" and isinstance(block, _ASSISTANT_ONLY):
        raise invalid_request(f"{loc}: `{block.type}` blocks are only allowed in assistant messages")
    if isinstance(block, ImageParam):
        check_image(block, loc)
    elif isinstance(block, DocumentParam):
        if strict_2026 and role == "assistant":
            raise invalid_request(f"{loc}: document blocks are not allowed in assistant messages")
        check_document(block, loc)
    elif isinstance(block, _CALLS):
        if not _is_object(block.input):
            raise invalid_request(f"{loc}.{block.type}.input: Input should be a valid dictionary")
    elif isinstance(block, ToolResultParam):
        _check_tool_result(ctx, block, loc, strict_2026)
    elif isinstance(block, SearchResultParam):
        _check_search_result(ctx, block, loc, strict_2026 and role == "user")


def _check_tool_result(ctx: _Ctx, block: ToolResultParam, loc: str, strict_2026: bool) -> None:
    content = block.content
    if not isinstance(content, list):
        return
    for position, item in enumerate(content):
        item_loc = f"{loc}.tool_result.content.{position}"
        if getattr(item, "cache_control", None) is not None:
            ctx.breakpoints += 1
        if isinstance(item, TextParam):
            _check_text(item)
        elif isinstance(item, ImageParam):
            check_image(item, item_loc)
        elif isinstance(item, DocumentParam):
            check_document(item, item_loc)
        elif isinstance(item, SearchResultParam):
            _check_search_result(ctx, item, item_loc, strict_2026)


def _check_search_result(ctx: _Ctx, block: SearchResultParam, loc: str, no_citations: bool) -> None:
    for position, item in enumerate(block.content):
        _check_text(item)
        if item.cache_control is not None:
            ctx.breakpoints += 1
        if no_citations and item.citations:
            raise invalid_request(f"{loc}.search_result.content.{position}.citations: {_NO_USER_CITATIONS}")


# --- merging, tool pairing, prefill ------------------------------------------------------------


def merge_turns(messages: Sequence[InputMessage]) -> list[Turn]:
    """Merge consecutive same-role messages into turns (the real API combines them)."""
    runs: list[tuple[Role, list[ContentBlockParam], list[int]]] = []
    for index, message in enumerate(messages):
        content = message.content
        blocks = [TextParam(text=content)] if isinstance(content, str) and content else content or []
        if runs and runs[-1][0] == message.role:
            runs[-1][1].extend(blocks)
            runs[-1][2].append(index)
        else:
            runs.append((message.role, list(blocks), [index]))
    return [Turn(role, tuple(blocks), tuple(indices)) for role, blocks, indices in runs]


def check_merge(ctx: _Ctx) -> None:
    """Not a check: builds the merged turns the next rules (and the result) use."""
    ctx.turns = merge_turns(ctx.messages)


def check_tool_pairing(ctx: _Ctx) -> None:
    """``tool_use``/``tool_result`` pairing across adjacent turns (all three wordings real):

    * ``messages.N.content.M: `tool_use` ids must be unique``;
    * ``messages.N: `tool_use` ids were found without `tool_result` blocks immediately
      after: <ids>. Each `tool_use` block must have a corresponding `tool_result` block in
      the next message.`` (N: the assistant message holding the first unanswered call);
    * ``messages.N.content.M: unexpected `tool_use_id` found in `tool_result` blocks: <id>.
      Each `tool_result` block must have a corresponding `tool_use` block in the previous
      message.``

    Works on the messages directly: a run of same-role messages is one (merged) turn, and
    ``system`` messages are transparent.
    """
    seen: set[str] = set()
    pending: dict[str, int] = {}  # calls of the latest assistant turn -> message index
    answered: set[str] = set()
    previous: Role | None = None
    for index, message in enumerate(ctx.messages):
        role = message.role
        if role == "system":
            continue
        if role != previous:
            if previous == "user":
                _raise_unanswered(pending, answered)
                pending = {}
            elif role == "user":
                answered = set()
            previous = role
        content = message.content
        if isinstance(content, str):
            continue
        if role == "assistant":
            for position, block in enumerate(content):
                if type(block) is ToolUseParam:
                    if block.id in seen:
                        raise invalid_request(f"{_msg_loc(index, position)}: `tool_use` ids must be unique")
                    seen.add(block.id)
                    pending[block.id] = index
            continue
        for position, block in enumerate(content):
            if type(block) is ToolResultParam:
                if block.tool_use_id not in pending:
                    raise invalid_request(
                        f"{_msg_loc(index, position)}: unexpected `tool_use_id` found in `tool_result` "
                        f"blocks: {block.tool_use_id}. Each `tool_result` block must have a "
                        "corresponding `tool_use` block in the previous message."
                    )
                answered.add(block.tool_use_id)
    _raise_unanswered(pending, answered if previous == "user" else set())


def _raise_unanswered(pending: dict[str, int], answered: set[str]) -> None:
    missing = [tool_id for tool_id in pending if tool_id not in answered]
    if missing:
        index = pending[missing[0]]
        raise invalid_request(
            f"messages.{index}: `tool_use` ids were found without `tool_result` blocks immediately after: "
            f"{', '.join(missing)}. Each `tool_use` block must have a corresponding `tool_result` block "
            "in the next message."
        )


def check_prefill(ctx: _Ctx) -> None:
    """A final ``assistant`` message is a prefill.

    * on a model without prefill: ``This model does not support assistant message prefill.
      The conversation must end with a user message.`` (real, 2026);
    * its last text may not end in whitespace: ``final assistant content cannot end with
      trailing whitespace`` (wording unverified; the docs say only that it errors).

    An empty final assistant message is not a prefill.
    """
    last = ctx.turns[-1] if ctx.turns else None
    if last is None or last.role != "assistant" or not last.blocks:
        return
    if not ctx.spec.features.prefill:
        raise invalid_request(
            "This model does not support assistant message prefill. The conversation must end with a user message."
        )
    final = last.blocks[-1]
    if isinstance(final, TextParam) and final.text != final.text.rstrip():
        raise invalid_request("final assistant content cannot end with trailing whitespace")


# --- rules: tools, tool_choice, thinking, effort, stop sequences, caching -------------------------


def _tool_name(tool: Tool) -> str | None:
    return getattr(tool, "name", None)


def check_tools(ctx: _Ctx) -> None:
    """Tool names are unique: ``tools: Tool names must be unique.`` (real). A custom tool that
    takes a server tool's name also gets ``error_code: tool_name_conflict`` (code real, per
    the SDK's ``ToolNameConflictError``; message reused)."""
    tools = ctx.request.tools or []
    seen: dict[str, bool] = {}
    for tool in tools:
        if isinstance(tool, Toolset):
            continue
        if getattr(tool, "cache_control", None) is not None:
            ctx.breakpoints += 1
        name = _tool_name(tool)
        if name is None:
            continue
        custom = isinstance(tool, CustomTool)
        if name in seen:
            code = "tool_name_conflict" if seen[name] != custom else None
            raise invalid_request("tools: Tool names must be unique.", code)
        seen[name] = custom
    for tool in tools:
        if isinstance(tool, Toolset) and tool.cache_control is not None:
            ctx.breakpoints += 1


def effective_thinking(request: AnyRequest, spec: ModelSpec) -> ThinkingSettings:
    """The request's thinking, or the model's default when it sends none."""
    thinking = request.thinking
    features = spec.features
    default_display = features.default_thinking_display
    if thinking is None:
        return ThinkingSettings(features.default_thinking, None, default_display)
    if isinstance(thinking, ThinkingEnabled):
        return ThinkingSettings("enabled", thinking.budget_tokens, thinking.display or default_display)
    if isinstance(thinking, ThinkingAdaptive):
        return ThinkingSettings("adaptive", None, thinking.display or default_display)
    if isinstance(thinking, ThinkingBetweenTools):
        return ThinkingSettings("between_tools", None, default_display)
    assert isinstance(thinking, ThinkingDisabled)
    return ThinkingSettings("disabled", None, default_display)


_THINKING_ADVICE: dict[ThinkingType, str] = {
    "enabled": 'Use "thinking.type.adaptive" and "output_config.effort" to control thinking behavior.',
    "adaptive": 'Use "thinking.type.enabled" and "thinking.budget_tokens" to control thinking behavior.',
    "disabled": 'Use "thinking.type.between_tools" to limit thinking to between tool calls.',
    "between_tools": 'Use "thinking.type.adaptive" and "output_config.effort" to control thinking behavior.',
}


def check_thinking(ctx: _Ctx) -> None:
    """Thinking type and budget.

    * type the model lacks: ``"thinking.type.enabled" is not supported for this model. Use
      "thinking.type.adaptive" and "output_config.effort" to control thinking behavior.``
      (real for ``enabled``; the other types' advice is chosen);
    * budget: ```max_tokens` must be greater than `thinking.budget_tokens`. Please consult
      our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size``
      (real; waived with interleaved thinking, whose budget may exceed ``max_tokens``).
    """
    thinking = ctx.request.thinking
    if thinking is None:
        return
    kind = ctx.thinking.type
    if kind not in ctx.spec.features.thinking_types:
        raise invalid_request(f'"thinking.type.{kind}" is not supported for this model. {_THINKING_ADVICE[kind]}')
    if (
        isinstance(thinking, ThinkingEnabled)
        and ctx.max_tokens is not None
        and thinking.budget_tokens >= ctx.max_tokens
        and INTERLEAVED_THINKING_BETA not in ctx.betas
    ):
        raise invalid_request(
            "`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at "
            "https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size"
        )


def check_thinking_first(ctx: _Ctx) -> None:
    """With ``thinking.type: "enabled"``, inside a tool loop (the last message is a ``user``
    message carrying a ``tool_result``), the last ``assistant`` message must start with a
    thinking block (real wording, "preceeding" included)::

        messages.N.content.0.type: Expected `thinking` or `redacted_thinking`, but found `text`.
        When `thinking` is enabled, a final `assistant` message must start with a thinking block
        (preceeding the lastmost set of `tool_use` and `tool_result` blocks). ...
    """
    if ctx.thinking.type != "enabled" or not ctx.messages:
        return
    last = ctx.messages[-1]
    if last.role != "user" or isinstance(last.content, str):
        return
    if not any(type(block) is ToolResultParam for block in last.content):
        return
    for index in range(len(ctx.messages) - 2, -1, -1):
        message = ctx.messages[index]
        if message.role != "assistant":
            continue
        content = message.content
        found = "text" if isinstance(content, str) else (content[0].type if content else None)
        if found is None or found in ("thinking", "redacted_thinking"):
            return
        raise invalid_request(
            f"messages.{index}.content.0.type: Expected `thinking` or `redacted_thinking`, but found `{found}`. "
            "When `thinking` is enabled, a final `assistant` message must start with a thinking block "
            "(preceeding the lastmost set of `tool_use` and `tool_result` blocks). We recommend you include "
            "thinking blocks from previous turns. To avoid this requirement, disable `thinking`. Please consult "
            "our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking"
        )


_FORCED = (ToolChoiceAny, ToolChoiceTool)


def check_tool_choice(ctx: _Ctx) -> None:
    """``tool_choice`` against the tools and thinking.

    * ``any``/``tool`` without tools: ``tool_choice may only be specified while providing
      tools.`` (from memory of real responses, not re-verified);
    * ``tool`` naming no tool: ``tool_choice.tool.name: Tool '<name>' not found in the
      provided tools`` (chosen);
    * forced tool use while the answer thinks (or on models that always think):
      ``Thinking may not be enabled when tool_choice forces tool use.`` (real).
    """
    choice = ctx.request.tool_choice
    if not isinstance(choice, _FORCED):
        return
    tools = ctx.request.tools or []
    if not tools:
        raise invalid_request("tool_choice may only be specified while providing tools.")
    if isinstance(choice, ToolChoiceTool) and choice.name not in {_tool_name(tool) for tool in tools}:
        raise invalid_request(f"tool_choice.tool.name: Tool '{choice.name}' not found in the provided tools")
    if not ctx.spec.features.forced_tool_choice or ctx.thinking.type in ("enabled", "adaptive"):
        raise invalid_request("Thinking may not be enabled when tool_choice forces tool use.")


def check_effort(ctx: _Ctx) -> None:
    """``output_config.effort`` the model lacks (both wordings chosen)."""
    config = ctx.request.output_config
    effort = config.effort if config is not None else None
    if effort is None:
        return
    levels = ctx.spec.features.effort_levels
    if not levels:
        raise invalid_request("output_config.effort: effort is not supported for this model")
    if effort not in levels:
        raise invalid_request(f"output_config.effort: '{effort}' is not supported for this model")


def check_stop_sequences(ctx: _Ctx) -> None:
    """``stop_sequences: each stop sequence must be non-empty`` and ``... must contain
    non-whitespace`` (both real)."""
    request = ctx.request
    sequences = request.stop_sequences if isinstance(request, MessagesBody) else None
    for sequence in sequences or ():
        if not sequence:
            raise invalid_request("stop_sequences: each stop sequence must be non-empty")
        if sequence.isspace():
            raise invalid_request("stop_sequences: each stop sequence must contain non-whitespace")


def check_cache_breakpoints(ctx: _Ctx) -> None:
    """``A maximum of 4 blocks with cache_control may be provided. Found N.`` (real). The
    top-level ``cache_control`` (automatic caching) takes one of the four."""
    total = ctx.breakpoints + (1 if ctx.request.cache_control is not None else 0)
    if total > MAX_CACHE_BREAKPOINTS:
        raise invalid_request(
            f"A maximum of {MAX_CACHE_BREAKPOINTS} blocks with cache_control may be provided. Found {total}."
        )


#: The rules, in the order they run.
RULES: tuple[Rule, ...] = (
    check_model,
    check_max_tokens,
    check_sampling_params,
    check_messages_present,
    check_system_prompt,
    check_non_empty_content,
    check_system_messages,
    check_content_blocks,
    check_merge,
    check_tool_pairing,
    check_prefill,
    check_tools,
    check_thinking,
    check_thinking_first,
    check_tool_choice,
    check_effort,
    check_stop_sequences,
    check_cache_breakpoints,
)


# --- entry points ------------------------------------------------------------------------------


def _validate(ctx: _Ctx) -> Conversation:
    for rule in RULES:
        rule(ctx)
    request = ctx.request
    turns = tuple(ctx.turns)
    last = turns[-1] if turns else None
    prefill = last.text() if last is not None and last.role == "assistant" and last.blocks else None
    system = request.system
    output_config = request.output_config
    if isinstance(request, MessagesBody):
        stop_sequences = tuple(request.stop_sequences) if request.stop_sequences else ()
        stream = bool(request.stream)
    else:
        stop_sequences, stream = (), False
    return Conversation(
        request=request,
        model=ctx.spec,
        requested_model=request.model,
        api_version=ctx.api_version,
        betas=ctx.betas,
        system=(TextParam(text=system),) if isinstance(system, str) and system else tuple(system or ()),
        turns=turns,
        tools=tuple(request.tools or ()),
        tool_choice=request.tool_choice,
        thinking=ctx.thinking,
        effort=output_config.effort if output_config is not None else None,
        output_schema=output_config.format.schema if output_config and output_config.format else None,
        max_tokens=ctx.max_tokens,
        stop_sequences=stop_sequences,
        stream=stream,
        prefill=prefill,
        cache_breakpoints=ctx.breakpoints + (1 if request.cache_control is not None else 0),
    )


def validate_messages_request(request: MessagesRequest, *, api_version: str, betas: frozenset[str]) -> Conversation:
    """Check a decoded ``POST /v1/messages`` body and normalize it.

    Raises:
        ApiError: 404 for an unknown or retired model, 400 for any other rule.
    """
    return _validate(_Ctx(request, api_version, betas, request.max_tokens))


def validate_count_tokens_request(
    request: CountTokensRequest, *, api_version: str, betas: frozenset[str]
) -> Conversation:
    """Check a decoded ``POST /v1/messages/count_tokens`` body (no ``max_tokens`` rules)."""
    return _validate(_Ctx(request, api_version, betas, None))


def context_window(spec: ModelSpec, betas: frozenset[str]) -> int:
    """Input tokens the model takes (200k models reach 1M with ``context-1m-2025-08-07``)."""
    if CONTEXT_1M_BETA in betas and spec.max_input_tokens < 1_000_000 and spec.line == "sonnet":
        return 1_000_000
    return spec.max_input_tokens


def check_context_window(input_tokens: int, spec: ModelSpec, betas: frozenset[str]) -> None:
    """For the token counter: ``prompt is too long: N tokens > M maximum`` (real).

    Raises:
        ApiError: 400 when the prompt does not fit the model's context window.
    """
    limit = context_window(spec, betas)
    if input_tokens > limit:
        raise invalid_request(f"prompt is too long: {input_tokens} tokens > {limit} maximum")
