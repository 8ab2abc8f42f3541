"""The synthetic model: `respond(conversation, context) -> Completion`. Pure and deterministic.

The same request (see seed.py) gets the same content, usage and stop reason on any worker,
any day (tool-use ids excepted: they are unique). An answer is, in order:

1. a `thinking` block when thinking is on (`enabled`, after a tool result only with the
   interleaved-thinking beta; `adaptive` unless `effort` is `low` and the prompt is short;
   `between_tools` right after a tool result), signed so that it can be
   verified when echoed back (thinking.py); a `redacted_thinking` block instead when the prompt
   holds the documented trigger string. `display: "omitted"` sends empty thinking text, the
   signature still covers the full reasoning;
2. tool calls when the rule of tooluse.py says so (a short text first under `auto`, like the
   real model), with inputs valid against each tool's `input_schema`; stop_reason `tool_use`;
3. otherwise one text block: JSON valid against the structured-output schema when the request
   has one (`output_config.format`, or the beta `output_format`), else a synthetic reply built
   from the prompt's words (after a tool result: a reply about that result).

Honest limits: `max_tokens` cuts the content (stop_reason "max_tokens", output_tokens <=
max_tokens); a stop sequence that would occur in the text ends it there (stop_reason
"stop_sequence", the sequence itself not included); an assistant prefill is continued, not
echoed. Usage accounts the prompt cache (prompt_cache.py) and the thinking tokens.

Raises `ApiError` (400) for echoed thinking blocks the twin did not issue or that were edited,
and for a tool or output schema that no value satisfies.
"""

from __future__ import annotations

import random
from typing import Any

import msgspec

from twin.wire.errors import invalid_request
from twin.wire.params import ToolResultParam, ToolUseParam
from twin.wire.response import (
    CacheCreation,
    OutputTokensDetails,
    RedactedThinkingBlock,
    TextBlock,
    ThinkingBlock,
    ToolUseBlock,
    Usage,
)
from twin.wire.tools import ToolChoiceAny, ToolChoiceTool

from .completion import BlockPlan, Completion, ModelContext
from .prompt_cache import account
from .schema_instances import UnsatisfiableSchema, instance_for
from .seed import request_seed, rng
from .text import answer_words, topics_of
from .thinking import REDACTED_THINKING_TRIGGER, redacted_data, sign_thinking, thinking_words, verify_echoed_thinking
from .tokens import prompt_segments, text_tokens
from .tooluse import ToolCall, plan_tool_calls, prompt_text, tool_results
from .validation import INTERLEAVED_THINKING_BETA, Conversation

__all__ = ["output_schema", "respond"]

_TOOL_OVERHEAD = 8  # tokens of a tool_use block beyond its input
_PREFACES = [
    "I'll use the {tools} tool to help with that.",
    "Let me check that with the {tools} tool.",
    "I'll call {tools} for this.",
    "Using {tools} to find out.",
]


#: Answers kept for requests seen again (load tests repeat a payload): a pure function's results,
#: kept only when nothing but the request (body and betas) decides them (no prompt-cache breakpoint, whose usage
#: depends on the tenant's cache; no tool call, whose `toolu_` id must be fresh).
_MEMO_LIMIT = 2048
_memo: dict[bytes, Completion] = {}


def respond(conversation: Conversation, context: ModelContext) -> Completion:
    request = conversation.request
    verify_echoed_thinking(request.messages, context.signing_key)
    seed = request_seed(request)
    key = seed + context.signing_key + ",".join(sorted(conversation.betas)).encode()  # betas steer thinking
    remembered = _memo.get(key)
    if remembered is not None:
        return remembered
    completion, stateless = _respond(conversation, context, seed)
    if stateless:
        if len(_memo) >= _MEMO_LIMIT:
            del _memo[next(iter(_memo))]
        _memo[key] = completion
    return completion


def _respond(conversation: Conversation, context: ModelContext, seed: bytes) -> tuple[Completion, bool]:
    """The answer, and whether the request alone decided it (see `_memo`)."""
    turn = conversation.last_user_turn
    prompt = prompt_text(turn)
    remaining = conversation.max_tokens if conversation.max_tokens is not None else 1 << 30
    blocks: list[BlockPlan] = []
    output_tokens = 0
    thinking_tokens = 0
    stop_reason = "end_turn"
    stop_sequence: str | None = None

    if _thinks(conversation, prompt) and remaining > 0:
        block, used = _thinking_block(conversation, context, prompt, rng(seed, "thinking"), remaining)
        blocks.append(block)
        thinking_tokens = used
        output_tokens += used
        remaining -= used

    calls = plan_tool_calls(conversation, rng(seed, "tools"))
    forced = isinstance(conversation.tool_choice, (ToolChoiceAny, ToolChoiceTool))
    if calls:
        pieces = [] if forced else _words_to_pieces(_preface(calls, rng(seed, "preface")).split(), leading=False)
    else:
        pieces = _answer_pieces(conversation, prompt, seed, limit=remaining + 1)
    text_cut = len(pieces) > remaining
    if text_cut:
        pieces = pieces[: max(0, remaining)]
    text = "".join(pieces)
    for sequence in conversation.stop_sequences:
        at = text.find(sequence)
        if at != -1 and (stop_sequence is None or at < text.find(stop_sequence)):
            stop_sequence = sequence
    if stop_sequence is not None:
        text = text[: text.find(stop_sequence)]
        pieces = _repiece(pieces, len(text))
        stop_reason, calls = "stop_sequence", []
    elif text_cut:
        stop_reason, calls = "max_tokens", []
    if text:
        blocks.append(BlockPlan(TextBlock(text=text), tuple(pieces)))
    output_tokens += len(pieces)
    remaining -= len(pieces)

    for call in calls:
        encoded = msgspec.json.encode(call.input).decode()
        cost = text_tokens(encoded) + _TOOL_OVERHEAD
        if cost > remaining:
            stop_reason = "max_tokens"
            break
        tool_use = ToolUseBlock(id=context.new_tool_use_id(), name=call.name, input=call.input)
        blocks.append(BlockPlan(tool_use, _json_chunks(encoded, rng(seed, f"chunks:{len(blocks)}"))))
        output_tokens += cost
        remaining -= cost
        stop_reason = "tool_use"
    if conversation.max_tokens == 0:
        stop_reason = "max_tokens"

    segments = prompt_segments(conversation)
    outcome = account(
        segments,
        model_id=conversation.model.id,
        min_tokens=conversation.model.min_cacheable_tokens,
        lookup=context.prompt_cache,
        now_us=context.now_us,
    )
    usage = Usage(
        input_tokens=outcome.input_tokens,
        cache_creation_input_tokens=outcome.cache_creation_input_tokens,
        cache_read_input_tokens=outcome.cache_read_input_tokens,
        cache_creation=CacheCreation(
            ephemeral_5m_input_tokens=outcome.ephemeral_5m_input_tokens,
            ephemeral_1h_input_tokens=outcome.ephemeral_1h_input_tokens,
        ),
        output_tokens=max(1, output_tokens),
        output_tokens_details=OutputTokensDetails(thinking_tokens=thinking_tokens),
    )
    completion = Completion(tuple(blocks), stop_reason, stop_sequence, usage, outcome.effects)  # type: ignore[arg-type]
    stateless = all(segment.ttl is None for segment in segments) and not any(
        isinstance(plan.block, ToolUseBlock) for plan in blocks
    )
    return completion, stateless


# --- thinking ---------------------------------------------------------------------------------


def _thinks(conversation: Conversation, prompt: str) -> bool:
    kind = conversation.thinking.type
    if kind == "enabled":
        # inside a tool loop the turn goes on: manual thinking thinks again only when interleaved
        return not tool_results(conversation.last_user_turn) or INTERLEAVED_THINKING_BETA in conversation.betas
    if kind == "adaptive":
        return conversation.effort != "low" or len(prompt.split()) >= 12
    if kind == "between_tools":
        return bool(tool_results(conversation.last_user_turn))
    return False


def _thinking_block(
    conversation: Conversation, context: ModelContext, prompt: str, generator: random.Random, remaining: int
) -> tuple[BlockPlan, int]:
    budget = conversation.thinking.budget_tokens or 4096
    words = thinking_words(topics_of(prompt), generator, min(budget, remaining))
    full = " ".join(words)
    if REDACTED_THINKING_TRIGGER in prompt:
        return BlockPlan(RedactedThinkingBlock(data=redacted_data(context.signing_key, full))), len(words)
    shown = "" if conversation.thinking.display == "omitted" else full
    signature = sign_thinking(context.signing_key, full, shown=shown)
    chunks = tuple(_words_to_pieces(words, leading=False)) if shown else ()
    return BlockPlan(ThinkingBlock(thinking=shown, signature=signature), chunks), len(words)


# --- text -------------------------------------------------------------------------------------


def output_schema(conversation: Conversation) -> tuple[dict[str, Any], str] | None:
    """The structured-output schema and where it came from (for error paths), if any."""
    if conversation.output_schema is not None:
        return conversation.output_schema, "output_config.format.schema"
    beta = getattr(conversation.request, "output_format", None)
    if isinstance(beta, dict) and beta.get("type") == "json_schema" and isinstance(beta.get("schema"), dict):
        return beta["schema"], "output_format.schema"
    return None


def _answer_pieces(conversation: Conversation, prompt: str, seed: bytes, *, limit: int) -> list[str]:
    structured = output_schema(conversation)
    if structured is not None:
        schema, where = structured
        try:
            value = instance_for(schema, rng(seed, "output"))
        except UnsatisfiableSchema as error:
            path = f".{error.path}" if error.path else ""
            raise invalid_request(f"{where}{path}: the schema cannot be satisfied ({error.reason})") from None
        return _json_pieces(msgspec.json.encode(value).decode(), rng(seed, "output-chunks"))
    results = tool_results(conversation.last_user_turn)
    words: list[str] = []
    if results:
        words = _about_results(conversation, results)
        question = next(
            (text for turn in reversed(conversation.turns) if turn.role == "user" and (text := prompt_text(turn))), ""
        )
        prompt = " ".join([question, *(_result_text(result) for result in results), prompt])
    words += answer_words(prompt, rng(seed, "text"), limit=max(0, limit - len(words)))
    return _words_to_pieces(words, leading=bool(conversation.prefill))


def _about_results(conversation: Conversation, results: list[ToolResultParam]) -> list[str]:
    names: dict[str, str] = {}
    for turn in conversation.turns:
        for block in turn.blocks:
            if isinstance(block, ToolUseParam):
                names[block.id] = block.name
    sentences = []
    for result in results[:4]:
        name = names.get(result.tool_use_id, "tool")
        snippet = " ".join(_result_text(result).split())[:120] or "nothing"
        verb = "reported an error:" if result.is_error is True else "returned:"
        sentences.append(f"The {name} tool {verb} {snippet}.")
    return " ".join(sentences).split()


def _result_text(result: ToolResultParam) -> str:
    content = result.content
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(getattr(item, "text", "") for item in content)
    return ""


def _preface(calls: list[ToolCall], generator: random.Random) -> str:
    names = [call.name for call in calls]
    tools = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    return generator.choice(_PREFACES).format(tools=tools)


def _words_to_pieces(words: list[str], *, leading: bool) -> list[str]:
    return [(" " if index or leading else "") + word for index, word in enumerate(words)]


def _json_pieces(text: str, generator: random.Random) -> list[str]:
    """Structured output streamed in token-sized pieces (each counted as one output token)."""
    pieces: list[str] = []
    at = 0
    while at < len(text):
        size = generator.randint(2, 6)
        pieces.append(text[at : at + size])
        at += size
    return pieces


def _json_chunks(text: str, generator: random.Random) -> tuple[str, ...]:
    """`input_json_delta` fragments: an empty first one (as the real API sends), then arbitrary cuts."""
    chunks = [""]
    at = 0
    while at < len(text):
        size = generator.randint(4, 24)
        chunks.append(text[at : at + size])
        at += size
    return tuple(chunks)


def _repiece(pieces: list[str], length: int) -> list[str]:
    """The pieces cut so that they concatenate to the first `length` characters."""
    kept: list[str] = []
    used = 0
    for piece in pieces:
        if used + len(piece) >= length:
            if length > used:
                kept.append(piece[: length - used])
            break
        kept.append(piece)
        used += len(piece)
    return kept
