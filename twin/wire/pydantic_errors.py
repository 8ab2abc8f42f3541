"""Translate msgspec validation errors into the real API's pydantic-style messages.

msgspec says ``Object missing required field `text` - at `$.messages[0].content[1]```;
the real API says ``messages.0.content.1.text.text: Field required``. Two things differ:

* the **path**: dotted, 0-based, and with the *tag of every tagged union* the path passes
  through inserted after it (``content.1.text.text``, ``image.source.base64.media_type``,
  ``thinking.enabled.budget_tokens``, ``tools.3.custom.name``);
* the **wording**: pydantic's ``Field required``, ``Extra inputs are not permitted``,
  ``Input should be a valid string``, ``Input should be 'user', 'assistant' or 'system'``...

The path is rebuilt by walking the request's msgspec type tree alongside the (already
parsed) JSON document, so it is schema-driven rather than pattern-matched. The wording
comes from one small table (:data:`_RULES`). This runs only on the error path.
"""

from __future__ import annotations

import functools
import re
import typing
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import msgspec
from msgspec import inspect as mi

__all__ = ["Loc", "format_loc", "literal_choices", "translate"]

Loc = tuple[str | int, ...]

_MSG_RE = re.compile(r"^(?P<msg>.*?)(?: - at `(?P<path>\$[^`]*)`)?$", re.DOTALL)
_SEG_RE = re.compile(r"\.([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]|\[\.\.\.\]")


def format_loc(loc: Loc) -> str:
    """``("messages", 0, "content")`` -> ``messages.0.content``."""
    return ".".join(str(part) for part in loc)


def _with_loc(loc: Loc, message: str) -> str:
    return f"{format_loc(loc)}: {message}" if loc else message


def literal_choices(values: typing.Sequence[object]) -> str:
    """pydantic's rendering of allowed literals: ``'a'``, ``'a' or 'b'``, ``'a', 'b' or 'c'``."""
    quoted = [f"'{v}'" if isinstance(v, str) else repr(v) for v in values]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]


@functools.lru_cache(maxsize=64)
def _type_info(tp: Any) -> mi.Type:
    return mi.type_info(tp)


@functools.lru_cache(maxsize=512)
def _declared_literals(cls: type, field: str) -> tuple[object, ...]:
    """Literal values of ``cls.field`` in declaration order (msgspec sorts them)."""
    hints = typing.get_type_hints(typing.get_origin(cls) or cls)
    out: list[object] = []

    def collect(tp: Any) -> None:
        origin = typing.get_origin(tp)
        if origin is Literal:
            out.extend(typing.get_args(tp))
        elif origin is typing.Annotated:
            collect(typing.get_args(tp)[0])
        else:
            for arg in typing.get_args(tp):
                collect(arg)

    collect(hints.get(field))
    return tuple(out)


@dataclass(slots=True)
class _Cursor:
    """Where the walk stands: the schema node, the JSON value, and the owning field."""

    node: mi.Type | None
    value: Any
    owner: tuple[type, str] | None = None  # (struct class, field name) that holds the value


def _members(node: mi.Type | None) -> list[mi.Type]:
    if isinstance(node, mi.UnionType):
        return [t for t in node.types if not isinstance(t, mi.NoneType)]
    return [node] if node is not None else []


def _tagged(members: list[mi.Type]) -> list[mi.StructType]:
    return [m for m in members if isinstance(m, mi.StructType) and m.tag_field is not None]


class _BadTag(Exception):
    def __init__(self, tag_field: str, tag: object, expected: list[str]) -> None:
        self.tag_field = tag_field
        self.tag = tag
        self.expected = expected


def _resolve(cur: _Cursor, loc: list[str | int]) -> _Cursor:
    """Narrow a union to the member the JSON value chose, appending its tag to ``loc``."""
    members = _members(cur.node)
    if len(members) == 1:
        return _Cursor(members[0], cur.value, cur.owner)
    tagged = _tagged(members)
    value = cur.value
    if tagged and isinstance(value, dict):
        tag_field = tagged[0].tag_field or "type"
        if tag_field not in value:
            raise _BadTag(tag_field, None, [str(m.tag) for m in tagged])
        tag = value[tag_field]
        for candidate in tagged:
            if candidate.tag == tag:
                loc.append(str(tag))
                return _Cursor(candidate, value, cur.owner)
        raise _BadTag(tag_field, tag, [str(m.tag) for m in tagged])
    for member in members:
        if isinstance(value, dict) and isinstance(member, mi.StructType | mi.DictType):
            return _Cursor(member, value, cur.owner)
        if isinstance(value, list) and isinstance(member, mi.ListType):
            return _Cursor(member, value, cur.owner)
        if isinstance(value, str) and isinstance(member, mi.StrType | mi.LiteralType):
            return _Cursor(member, value, cur.owner)
    return _Cursor(members[0] if members else None, value, cur.owner)


def _step(cur: _Cursor, seg: str | int) -> _Cursor:
    node = cur.node
    value = cur.value
    if isinstance(seg, int):
        item = value[seg] if isinstance(value, list) and seg < len(value) else None
        if isinstance(node, mi.ListType):
            return _Cursor(node.item_type, item, cur.owner)
        return _Cursor(None, item, cur.owner)
    child = value.get(seg) if isinstance(value, dict) else None
    if isinstance(node, mi.StructType):
        for field in node.fields:
            if field.encode_name == seg:
                return _Cursor(field.type, child, (node.cls, field.name))
        return _Cursor(None, child, None)
    if isinstance(node, mi.DictType):
        return _Cursor(node.value_type, child, None)
    return _Cursor(None, child, None)


def _parse_path(path: str | None) -> list[str | int]:
    if not path:
        return []
    segs: list[str | int] = []
    for name, index in _SEG_RE.findall(path[1:]):
        if name:
            segs.append(name)
        elif index:
            segs.append(int(index))
    return segs


# --- wording -------------------------------------------------------------------------------

_EXPECTED_RE = re.compile(r"^Expected `(?P<exp>[^`]+)`(?:, got `(?P<got>[^`]+)`)?$")
_CONSTRAINT_RE = re.compile(
    r"^Expected `(?P<kind>str|int|float|array|object)` "
    r"(?:(?:of length )?(?P<op>>=|<=|>|<) (?P<n>-?[0-9.]+)|matching regex '(?P<re>.*)')$",
    re.DOTALL,
)

_TYPE_WORDS = {
    "str": "Input should be a valid string",
    "int": "Input should be a valid integer",
    "float": "Input should be a valid number",
    "bool": "Input should be a valid boolean",
    "array": "Input should be a valid list",
    "null": "Input should be None",
}
_CMP_WORDS = {
    ">=": "greater than or equal to",
    "<=": "less than or equal to",
    ">": "greater than",
    "<": "less than",
}


def _type_mismatch(expected: str, got: str | None, cur: _Cursor) -> str:
    options = [e.strip() for e in expected.split("|")]
    non_null = [e for e in options if e != "null"] or options
    first = non_null[0]
    if first == "int" and got == "float":
        return "Input should be a valid integer, got a number with a fractional part"
    if first == "object":
        members = _members(cur.node)
        if members and all(isinstance(m, mi.DictType) for m in members):
            return "Input should be a valid dictionary"
        return "Input should be a valid dictionary or object to extract fields from"
    return _TYPE_WORDS.get(first, f"Input should be a valid {first}")


def _constraint(kind: str, op: str | None, n: str | None, regex: str | None, cur: _Cursor) -> str:
    if regex is not None:
        return f"String should match pattern '{regex}'"
    assert op is not None
    assert n is not None
    if kind == "str":
        count = int(n)
        noun = "character" if count == 1 else "characters"
        if op == ">=":
            return f"String should have at least {count} {noun}"
        return f"String should have at most {count} {noun}"
    if kind == "array":
        count = int(n)
        actual = len(cur.value) if isinstance(cur.value, list) else 0
        noun = "item" if count == 1 else "items"
        word = "at least" if op == ">=" else "at most"
        return f"List should have {word} {count} {noun} after validation, not {actual}"
    return f"Input should be {_CMP_WORDS[op]} {n}"


def _enum_values(cur: _Cursor) -> tuple[object, ...]:
    if cur.owner is not None:
        declared = _declared_literals(*cur.owner)
        if declared:
            return declared
    for member in _members(cur.node):
        if isinstance(member, mi.LiteralType):
            return tuple(member.values)
    return ()


def _tag_message(err: _BadTag) -> str:
    if err.tag is None:
        return f"Unable to extract tag using discriminator '{err.tag_field}'"
    expected = ", ".join(f"'{t}'" for t in err.expected)
    return f"Input tag '{err.tag}' found using '{err.tag_field}' does not match any of the expected tags: {expected}"


_FIELD_RE = re.compile(r"^Object (?P<kind>missing required|contains unknown) field `(?P<field>[^`]+)`$")
_ENUM_RE = re.compile(r"^Invalid (?:enum )?value (?P<value>.*)$")


@dataclass(frozen=True, slots=True)
class _Rule:
    pattern: re.Pattern[str]
    render: Callable[[re.Match[str], _Cursor, list[str | int]], str]


def _render_field(m: re.Match[str], cur: _Cursor, loc: list[str | int]) -> str:
    field = m["field"]
    loc.append(field)
    if m["kind"] == "missing required":
        return "Field required"
    return "Extra inputs are not permitted"


def _render_expected(m: re.Match[str], cur: _Cursor, loc: list[str | int]) -> str:
    return _type_mismatch(m["exp"], m["got"], cur)


def _render_constraint(m: re.Match[str], cur: _Cursor, loc: list[str | int]) -> str:
    return _constraint(m["kind"], m["op"], m["n"], m["re"], cur)


def _render_enum(m: re.Match[str], cur: _Cursor, loc: list[str | int]) -> str:
    values = _enum_values(cur)
    return f"Input should be {literal_choices(values)}" if values else "Input should be a valid value"


#: msgspec wording -> pydantic wording. The first matching rule wins.
_RULES: tuple[_Rule, ...] = (
    _Rule(_FIELD_RE, _render_field),
    _Rule(_CONSTRAINT_RE, _render_constraint),
    _Rule(_EXPECTED_RE, _render_expected),
    _Rule(_ENUM_RE, _render_enum),
)


def translate(error: msgspec.ValidationError | str, root: Any, document: Any, prefix: Loc = ()) -> str:
    """The real-API message for a msgspec validation error.

    Args:
        error: the msgspec error (or its text).
        root: the type that was being decoded (e.g. ``MessagesBody[msgspec.Raw]``).
        document: the same JSON, parsed without a schema (only needed on this error path).
        prefix: a location to put in front (when ``root`` is a sub-part of the body).
    """
    text = str(error)
    match = _MSG_RE.match(text)
    assert match is not None  # the pattern matches any string
    msg, path = match["msg"], match["path"]
    segments = _parse_path(path)
    loc: list[str | int] = list(prefix)
    cur = _Cursor(_type_info(root), document)
    try:
        for seg in segments:
            cur = _resolve(cur, loc)
            loc.append(seg)
            cur = _step(cur, seg)
        cur = _resolve(cur, loc)
    except _BadTag as bad:
        return _with_loc(tuple(loc), _tag_message(bad))
    for rule in _RULES:
        m = rule.pattern.match(msg)
        if m is not None:
            rendered = rule.render(m, cur, loc)
            return _with_loc(tuple(loc), rendered)
    return _with_loc(tuple(loc), msg)
