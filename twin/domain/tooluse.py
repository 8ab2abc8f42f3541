"""When the synthetic model calls tools, which ones, and with what input.

The rule (documented in the README, deterministic for a given request):

* `tool_choice` `none`, or no callable tool: never call.
* `tool`: call the named tool. `any`: call the tools the prompt asks for (below), else the
  seeded pick among the callable tools. Forced choices call even after a `tool_result`
  (as the real API does: the conversation then never ends by itself).
* `auto` (or no `tool_choice`): if the last user turn carries a `tool_result`, answer in text
  about the result. Otherwise call the tools the prompt asks for: a tool is asked for when
  the last user turn's own text (Claude Code's `<system-reminder>` sections left out) scores
  at least 2, where each distinctive part of the tool's name found in the prompt scores 2
  (`get_weather` -> `weather`, any case) and each distinctive word of the first 200 characters
  of its description scores 1. A one-word name (`Bash`, `Read`, `Write`) scores only when the
  prompt writes it in its own case and not at the start of a sentence ("use Bash to run ls"
  asks, "Write a haiku" does not), or as "<name> tool" in any case.
* Several tools asked for are called in parallel (at most 4, best score first) unless
  `disable_parallel_tool_use` is true, which keeps the best one.

Inputs: a valid instance of the tool's `input_schema` with its required properties (or one of
the tool's own valid `input_examples`), then the values the prompt spells out where they fit.

Callable: custom tools and the client-executed Anthropic tools (bash, text editor, memory,
computer); server tools (web search/fetch, code execution, tool search...) are never called.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from typing import Any

import msgspec

from twin.wire.errors import invalid_request
from twin.wire.params import TextParam, ToolResultParam
from twin.wire.tools import CustomTool, Tool, ToolChoiceAny, ToolChoiceAuto, ToolChoiceNone, ToolChoiceTool

from .schema_instances import UnsatisfiableSchema, instance_for, is_valid
from .validation import Conversation, Turn

__all__ = ["ToolCall", "callable_tools", "plan_tool_calls", "prompt_text", "tool_results"]

MAX_PARALLEL = 4

_CLIENT_SCHEMAS: dict[str, dict[str, Any]] = {
    "bash": {"type": "object", "properties": {"command": {"type": "string"}}, "required": ["command"]},
    "str_replace_editor": {
        "type": "object",
        "properties": {"command": {"const": "view"}, "path": {"type": "string"}},
        "required": ["command", "path"],
    },
    "str_replace_based_edit_tool": {
        "type": "object",
        "properties": {"command": {"const": "view"}, "path": {"type": "string"}},
        "required": ["command", "path"],
    },
    "memory": {
        "type": "object",
        "properties": {"command": {"const": "view"}, "path": {"const": "/memories"}},
        "required": ["command", "path"],
    },
    "computer": {"type": "object", "properties": {"action": {"const": "screenshot"}}, "required": ["action"]},
}
_GENERIC = frozenset(
    [
        "get",
        "set",
        "tool",
        "tools",
        "make",
        "the",
        "and",
        "with",
        "use",
        "using",
        "for",
        "from",
        "into",
        "data",
        "info",
        "call",
        "run",
        "new",
        "add",
        "all",
        "any",
        "this",
        "that",
        "your",
        "file",
        "files",
    ]
)
_STOP = frozenset(
    [
        "about",
        "above",
        "after",
        "again",
        "against",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "could",
        "does",
        "doing",
        "during",
        "each",
        "either",
        "every",
        "having",
        "other",
        "should",
        "their",
        "there",
        "these",
        "those",
        "through",
        "under",
        "until",
        "which",
        "while",
        "would",
        "where",
        "whose",
        "shall",
        "might",
        "must",
        "given",
        "provided",
        "returns",
        "return",
        "value",
        "values",
    ]
)
_REMINDER = re.compile(r"<system-reminder>.*?</system-reminder>", re.DOTALL)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]+")
_CAMEL = re.compile(r"[A-Z]?[a-z0-9]+|[A-Z]+(?![a-z])")


class ToolCall(msgspec.Struct, frozen=True, gc=False):
    name: str
    input: dict[str, Any]


def _schema_of(tool: Tool) -> dict[str, Any] | None:
    if isinstance(tool, CustomTool):
        return tool.schema()
    name = getattr(tool, "name", None)
    return _CLIENT_SCHEMAS.get(name) if isinstance(name, str) else None


def _callable(tool: Tool) -> bool:
    return isinstance(tool, CustomTool) or getattr(tool, "name", None) in _CLIENT_SCHEMAS


def callable_tools(tools: Sequence[Tool]) -> list[tuple[int, Tool]]:
    """The tools the model may call (with their index in `tools`); schemas are parsed only when called."""
    return [(index, tool) for index, tool in enumerate(tools) if _callable(tool)]


def prompt_text(turn: Turn | None) -> str:
    """The user's own words in a turn: its text blocks, system reminders left out."""
    if turn is None:
        return ""
    parts = [block.text for block in turn.blocks if isinstance(block, TextParam)]
    return _REMINDER.sub(" ", "\n".join(parts)).strip()


def tool_results(turn: Turn | None) -> list[ToolResultParam]:
    if turn is None:
        return []
    return [block for block in turn.blocks if isinstance(block, ToolResultParam)]


def _name_parts(name: str) -> set[str]:
    parts: set[str] = set()
    for chunk in re.split(r"[_\-\s.]+", name):
        parts.update(piece.lower() for piece in _CAMEL.findall(chunk))
    return {part for part in parts if len(part) >= 3 and part not in _GENERIC}


def _description_words(tool: Tool) -> set[str]:
    description = getattr(tool, "description", None)
    if not isinstance(description, str):
        return set()
    words = {word.lower() for word in _WORD.findall(description[:200])}
    return {word for word in words if len(word) >= 5 and word not in _STOP and word not in _GENERIC}


def _names_single_word(name: str, prompt: str) -> bool:
    """A one-word tool name (`Bash`, `Read`, `Write`) counts only as itself: in its own case and
    not opening a sentence ("Write a haiku" asks for no tool), or followed by "tool"."""
    escaped = re.escape(name)
    if re.search(rf"\b{escaped}\s+tool\b", prompt, re.IGNORECASE):
        return True
    return any(
        not re.match(r"^\s*$|.*[.!?:]\s*$", prompt[: found.start()], re.DOTALL)
        for found in re.finditer(rf"\b{escaped}\b", prompt)
    )


def score(tool: Tool, prompt: str, prompt_words: set[str]) -> int:
    name = getattr(tool, "name", "") or ""
    parts = _name_parts(name)
    if len(parts) == 1 and re.fullmatch(r"[A-Za-z]+", name):
        named = 2 if _names_single_word(name, prompt) else 0
    else:
        named = 2 * len(parts & prompt_words)
    return named + len(_description_words(tool) & prompt_words)


def _asked_for(candidates: list[tuple[int, Tool]], prompt: str) -> list[tuple[int, Tool]]:
    words = {word.lower() for word in _WORD.findall(prompt)}
    scored = [(score(tool, prompt, words), position, index, tool) for position, (index, tool) in enumerate(candidates)]
    asked = sorted((item for item in scored if item[0] >= 2), key=lambda item: (-item[0], item[1]))
    return [(index, tool) for _score, _position, index, tool in asked]


def plan_tool_calls(conversation: Conversation, rng: random.Random) -> list[ToolCall]:
    """The tool calls of the answer (empty: answer in text)."""
    choice = conversation.tool_choice
    if isinstance(choice, ToolChoiceNone):
        return []
    candidates = callable_tools(conversation.tools)
    if not candidates:
        return []
    turn = conversation.last_user_turn
    prompt = prompt_text(turn)
    parallel = not getattr(choice, "disable_parallel_tool_use", False)
    chosen: list[tuple[int, Tool]]
    if isinstance(choice, ToolChoiceTool):
        chosen = [item for item in candidates if getattr(item[1], "name", None) == choice.name][:1]
        parallel = False
    elif isinstance(choice, ToolChoiceAny):
        chosen = _asked_for(candidates, prompt) or [candidates[rng.randrange(len(candidates))]]
    else:
        assert choice is None or isinstance(choice, ToolChoiceAuto)
        if tool_results(turn) or conversation.prefill:
            return []
        chosen = _asked_for(candidates, prompt)
    chosen = chosen[: MAX_PARALLEL if parallel else 1]
    return [_call(index, tool, prompt, rng) for index, tool in chosen]


_BACKTICKS = re.compile(r"`([^`\n]+)`")
_RUN = re.compile(r"\b(?:run|execute|exec)\s+(?:the\s+command\s+)?([^\n.;,!?]+)", re.IGNORECASE)
_PLACE = re.compile(r"\b(?:in|at|for)\s+([A-Z][a-zA-Z]+(?:\s[A-Z][a-zA-Z]+)?)")
_PATH = re.compile(r"(?:^|\s)((?:/|\./|~/)?[\w.-]+(?:/[\w.-]+)*\.\w{1,5}|/[\w./-]+)(?=\s|$|[,.;!?])")


def _hints(prompt: str) -> dict[str, str]:
    """Values the prompt spells out, keyed by the property names they suit."""
    hints: dict[str, str] = {}
    quoted = _BACKTICKS.search(prompt)
    run = _RUN.search(prompt)
    if quoted:
        hints["command"] = quoted.group(1).strip()
    elif run:
        command = re.split(r"\s+(?:and|then)\s+(?:tell|show|say|report|explain)\b", run.group(1))[0].strip()
        if command:
            hints["command"] = command
    place = _PLACE.search(prompt)
    if place:
        hints["location"] = hints["city"] = place.group(1)
    path = _PATH.search(prompt)
    if path:
        hints["path"] = hints["file_path"] = hints["file"] = path.group(1)
    return hints


def _call(index: int, tool: Tool, prompt: str, rng: random.Random) -> ToolCall:
    name = str(getattr(tool, "name", ""))
    schema = _schema_of(tool) or {}
    try:
        value = instance_for(schema, rng, optional=0.0)
    except UnsatisfiableSchema as error:
        where = f".{error.path}" if error.path else ""
        raise invalid_request(
            f"tools.{index}.custom.input_schema{where}: the schema cannot be satisfied ({error.reason})"
        ) from None
    if not isinstance(value, dict):
        raise invalid_request(f"tools.{index}.custom.input_schema: the tool input must be a JSON object")
    examples = getattr(tool, "input_examples", None)
    if isinstance(examples, list):  # the tool's own examples, when valid, are what a model imitates
        valid = [example for example in examples if isinstance(example, dict) and is_valid(schema, example)]
        if valid:
            value = dict(rng.choice(valid))
    hints = _hints(prompt)
    properties = schema.get("properties") or {}
    for key, hint in hints.items():
        if key in properties:
            candidate = {**value, key: hint}
            if is_valid(schema, candidate):
                value = candidate
    return ToolCall(name, value)
