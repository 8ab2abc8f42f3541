"""Deterministic, realistic-looking instances of a JSON Schema (tool inputs, structured output).

`instance_for(schema, rng)` returns a value valid against `schema`, chosen with `rng` (so the
same request always gets the same value) and shaped by property names where that helps
(`email` looks like an address, `city` like a city). Supported keywords: `type` (also unions),
`enum`, `const`, numeric bounds (both the 2020-12 and the draft-4 exclusive forms) and
`multipleOf`, `minLength`/`maxLength`, `format` (date-time, date, time, email, uri, uuid,
hostname, ipv4, ipv6), `pattern` (character classes, quantifiers, groups, alternation,
anchors: read with Python's own regex parser), `properties`, `required`,
`additionalProperties`, `patternProperties`, `minProperties`/`maxProperties`, `items` (also
the draft-4 tuple form), `prefixItems`, `minItems`/`maxItems`, `uniqueItems`, `contains`,
`allOf`/`anyOf`/`oneOf`/`not`, `$ref` to `#/...` (`$defs`, `definitions`, recursion) and the
OpenAPI `nullable`.

Every candidate is checked with a small validator over the same keywords (`is_valid`); the
generator retries with fresh choices and, when nothing fits, raises `UnsatisfiableSchema`
with a sentence the API turns into a 400 `invalid_request_error`.
"""

from __future__ import annotations

import math
import random
import re
import re._parser as _sre  # type: ignore[import-not-found,unused-ignore]
from collections.abc import Callable
from typing import Any

__all__ = ["UnsatisfiableSchema", "instance_for", "is_valid"]

_MAX_DEPTH = 8
_ATTEMPTS = 24
#: Generation steps per instance (bounds the cost of any schema, satisfiable or not).
_BUDGET = 20_000
_JSON_TYPES = ("object", "array", "string", "integer", "number", "boolean", "null")


class UnsatisfiableSchema(ValueError):
    """No instance satisfies the schema (or none the generator can find)."""

    def __init__(self, reason: str, path: str = "") -> None:
        super().__init__(f"{path}: {reason}" if path else reason)
        self.reason = reason
        self.path = path


# --- vocabulary for realistic values ---------------------------------------------------------

_FIRST = ["Ada", "Grace", "Alan", "Edsger", "Barbara", "Donald", "Margaret", "Ken", "Radia", "Linus"]
_LAST = ["Lovelace", "Hopper", "Turing", "Dijkstra", "Liskov", "Knuth", "Hamilton", "Thompson", "Perlman"]
_CITIES = ["Paris", "Lisbon", "Kyoto", "Toronto", "Nairobi", "Oslo", "Valparaiso", "Melbourne", "Seville"]
_COUNTRIES = ["France", "Portugal", "Japan", "Canada", "Kenya", "Norway", "Chile", "Australia", "Spain"]
_WORDS = [
    "amber",
    "harbor",
    "lantern",
    "meadow",
    "quartz",
    "summit",
    "willow",
    "cobalt",
    "ember",
    "falcon",
    "glacier",
    "juniper",
    "orchid",
    "prairie",
    "river",
    "saffron",
    "tundra",
    "violet",
]
_SENTENCES = [
    "A short synthetic description.",
    "Generated deterministically by the twin.",
    "Looks realistic, carries no meaning.",
    "Placeholder text for this field.",
]
_COMMANDS = ["ls -la", "pwd", "git status", "cat README.md", "echo hello", "date"]
_DOMAINS = ["example.com", "example.org", "example.net"]


def _named_string(name: str, rng: random.Random) -> str | None:
    """A string that suits a property name, if the name says enough."""
    key = name.lower().replace("-", "_")
    if key in ("command", "cmd", "shell_command"):
        return rng.choice(_COMMANDS)
    if "email" in key:
        return _email(rng)
    if key.endswith("url") or key.endswith("uri") or key in ("link", "href", "website"):
        return _uri(rng)
    if key in ("name", "full_name", "author", "username", "user", "owner"):
        return f"{rng.choice(_FIRST)} {rng.choice(_LAST)}" if key != "username" else rng.choice(_FIRST).lower()
    if key in ("first_name", "given_name"):
        return rng.choice(_FIRST)
    if key in ("last_name", "family_name", "surname"):
        return rng.choice(_LAST)
    if key in ("city", "location", "town", "place"):
        return rng.choice(_CITIES)
    if key == "country":
        return rng.choice(_COUNTRIES)
    if key in ("description", "summary", "comment", "note", "notes", "reason", "message", "text", "content"):
        return rng.choice(_SENTENCES)
    if key in ("path", "file", "file_path", "filename", "filepath"):
        return f"/tmp/{rng.choice(_WORDS)}/{rng.choice(_WORDS)}.txt"
    if key in ("query", "search", "q", "pattern", "prompt"):
        return f"{rng.choice(_WORDS)} {rng.choice(_WORDS)}"
    if key in ("id", "uuid", "guid") or key.endswith("_id"):
        return _uuid(rng)
    if "date" in key or key.endswith("_at") or key in ("timestamp", "time"):
        return _date_time(rng)
    if key in ("phone", "phone_number"):
        return f"+1-555-{rng.randint(100, 999)}-{rng.randint(1000, 9999)}"
    return None


def _email(rng: random.Random) -> str:
    return f"{rng.choice(_FIRST).lower()}.{rng.choice(_LAST).lower()}@{rng.choice(_DOMAINS)}"


def _uri(rng: random.Random) -> str:
    return f"https://{rng.choice(_DOMAINS)}/{rng.choice(_WORDS)}/{rng.randint(1, 999)}"


def _uuid(rng: random.Random) -> str:
    value = f"{rng.getrandbits(128):032x}"
    return f"{value[:8]}-{value[8:12]}-4{value[13:16]}-a{value[17:20]}-{value[20:32]}"


def _date(rng: random.Random) -> str:
    return f"{rng.randint(2019, 2027):04d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"


def _time(rng: random.Random) -> str:
    return f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}Z"


def _date_time(rng: random.Random) -> str:
    return f"{_date(rng)}T{_time(rng)}"


_FORMATS: dict[str, Callable[[random.Random], str]] = {
    "date-time": _date_time,
    "date": _date,
    "time": _time,
    "email": _email,
    "idn-email": _email,
    "uri": _uri,
    "iri": _uri,
    "uri-reference": _uri,
    "url": _uri,
    "uuid": _uuid,
    "hostname": lambda rng: f"{rng.choice(_WORDS)}.{rng.choice(_DOMAINS)}",
    "idn-hostname": lambda rng: f"{rng.choice(_WORDS)}.{rng.choice(_DOMAINS)}",
    "ipv4": lambda rng: ".".join(str(rng.randint(1, 254)) for _ in range(4)),
    "ipv6": lambda rng: ":".join(f"{rng.getrandbits(16):x}" for _ in range(8)),
    "duration": lambda rng: f"P{rng.randint(1, 30)}D",
}


# --- strings from regular expressions -----------------------------------------------------------

_DIGITS = "0123456789"
_WORD_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"
_SPACES = " "
_PRINTABLE = [chr(code) for code in range(32, 127)]
_CATEGORIES = {
    "CATEGORY_DIGIT": set(_DIGITS),
    "CATEGORY_NOT_DIGIT": set(_PRINTABLE) - set(_DIGITS),
    "CATEGORY_WORD": set(_WORD_CHARS),
    "CATEGORY_NOT_WORD": set(_PRINTABLE) - set(_WORD_CHARS),
    "CATEGORY_SPACE": {" ", "\t"},
    "CATEGORY_NOT_SPACE": set(_PRINTABLE) - {" ", "\t"},
}


def string_for_pattern(pattern: str, rng: random.Random, *, max_repeat: int = 6) -> str:
    """A string that matches `pattern` (a Python-compatible regex); raises ValueError if unsupported."""
    try:
        parsed = _sre.parse(pattern)
    except re.error as error:
        raise UnsatisfiableSchema(f"pattern {pattern!r} is not a valid regular expression") from error
    groups: dict[int, str] = {}
    return _emit(list(parsed), rng, groups, max_repeat)


def _class_chars(items: list[tuple[Any, Any]]) -> list[str]:
    allowed: set[str] = set()
    negate = False
    for op, arg in items:
        name = str(op)
        if name == "NEGATE":
            negate = True
        elif name == "LITERAL":
            allowed.add(chr(arg))
        elif name == "RANGE":
            low, high = arg
            allowed.update(chr(code) for code in range(low, min(high, low + 400) + 1))
        elif name == "CATEGORY":
            allowed |= _CATEGORIES.get(str(arg), set())
    if negate:
        allowed = set(_PRINTABLE) - allowed
    return sorted(allowed)


def _emit(items: list[tuple[Any, Any]], rng: random.Random, groups: dict[int, str], max_repeat: int) -> str:
    out: list[str] = []
    for op, arg in items:
        name = str(op)
        if name == "LITERAL":
            out.append(chr(arg))
        elif name == "NOT_LITERAL":
            out.append(rng.choice([c for c in _WORD_CHARS if ord(c) != arg]))
        elif name == "ANY":
            out.append(rng.choice(_WORD_CHARS))
        elif name == "IN":
            chars = _class_chars(list(arg))
            if not chars:
                raise UnsatisfiableSchema("pattern has an empty character class")
            out.append(rng.choice(chars))
        elif name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"):
            low, high, sub = arg
            top = low + max_repeat if high == _sre.MAXREPEAT else min(high, low + max_repeat)
            out.extend(_emit(list(sub), rng, groups, max_repeat) for _ in range(rng.randint(low, max(low, top))))
        elif name == "SUBPATTERN":
            group, _add, _del, sub = arg
            text = _emit(list(sub), rng, groups, max_repeat)
            if group is not None:
                groups[group] = text
            out.append(text)
        elif name == "ATOMIC_GROUP":
            out.append(_emit(list(arg), rng, groups, max_repeat))
        elif name == "BRANCH":
            _none, branches = arg
            out.append(_emit(list(rng.choice(branches)), rng, groups, max_repeat))
        elif name == "GROUPREF":
            out.append(groups.get(arg, ""))
        elif name in ("AT", "ASSERT", "ASSERT_NOT"):
            continue  # anchors and lookarounds: the generated text is checked afterwards
        elif name == "CATEGORY":
            out.append(rng.choice(sorted(_CATEGORIES.get(str(arg), set(_WORD_CHARS)))))
        else:
            raise UnsatisfiableSchema(f"pattern construct {name} is not supported")
    return "".join(out)


def _search(pattern: str, text: str) -> bool:
    try:
        return re.search(pattern, text) is not None
    except re.error:
        return False


# --- the validator -----------------------------------------------------------------------------


def _type_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "integer" if value.is_integer() else "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "unknown"


def _has_type(value: Any, wanted: str) -> bool:
    actual = _type_of(value)
    return actual == wanted or (wanted == "number" and actual == "integer")


def _equal(a: Any, b: Any) -> bool:
    """JSON equality: booleans are not numbers, 1 == 1.0."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_equal(a[key], b[key]) for key in a)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and bool(a == b)


def _resolve(root: Any, ref: str) -> Any:
    if not ref.startswith("#"):
        raise UnsatisfiableSchema(f"$ref {ref!r} is not a local reference")
    node = root
    for part in ref[1:].split("/")[1:] if ref != "#" else []:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            raise UnsatisfiableSchema(f"$ref {ref!r} does not resolve")
    return node


def _bounds(schema: dict[str, Any]) -> tuple[float | None, bool, float | None, bool]:
    """(low, low exclusive, high, high exclusive), from either keyword style."""
    low, high = schema.get("minimum"), schema.get("maximum")
    low_x = high_x = False
    ex_min, ex_max = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
    if isinstance(ex_min, bool):
        low_x = ex_min and low is not None
    elif isinstance(ex_min, (int, float)) and (low is None or ex_min >= low):
        low, low_x = ex_min, True
    if isinstance(ex_max, bool):
        high_x = ex_max and high is not None
    elif isinstance(ex_max, (int, float)) and (high is None or ex_max <= high):
        high, high_x = ex_max, True
    return low, low_x, high, high_x


def _multiple(value: float, step: float) -> bool:
    """As strict as common validators: an integral quotient in floating point, exactly."""
    if step <= 0:
        return True
    if isinstance(step, int) and isinstance(value, int):
        return value % step == 0
    quotient = value / step
    return math.isfinite(quotient) and int(quotient) == quotient


def is_valid(schema: Any, value: Any, root: Any = None, _depth: int = 0) -> bool:
    """Whether `value` satisfies `schema` for the keywords this module supports."""
    root = schema if root is None else root
    if schema is True or schema == {}:
        return True
    if schema is False:
        return False
    if not isinstance(schema, dict) or _depth > 64:
        return True
    check = is_valid
    if "$ref" in schema and not check(_resolve(root, schema["$ref"]), value, root, _depth + 1):
        return False
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(_has_type(value, wanted) for wanted in types) and not (value is None and schema.get("nullable")):
            return False
    if "enum" in schema and not any(_equal(value, option) for option in schema["enum"]):
        return False
    if "const" in schema and not _equal(value, schema["const"]):
        return False
    kind = _type_of(value)
    if kind in ("integer", "number"):
        low, low_x, high, high_x = _bounds(schema)
        if low is not None and (value < low or (low_x and value == low)):
            return False
        if high is not None and (value > high or (high_x and value == high)):
            return False
        if "multipleOf" in schema and not _multiple(value, schema["multipleOf"]):
            return False
    elif kind == "string":
        if len(value) < schema.get("minLength", 0) or len(value) > schema.get("maxLength", math.inf):
            return False
        if "pattern" in schema and not _search(schema["pattern"], value):
            return False
    elif kind == "array":
        if not _valid_array(schema, value, root, _depth):
            return False
    elif kind == "object" and not _valid_object(schema, value, root, _depth):
        return False
    for sub in schema.get("allOf", ()):
        if not check(sub, value, root, _depth + 1):
            return False
    if "anyOf" in schema and not any(check(sub, value, root, _depth + 1) for sub in schema["anyOf"]):
        return False
    if "oneOf" in schema and sum(1 for sub in schema["oneOf"] if check(sub, value, root, _depth + 1)) != 1:
        return False
    return not ("not" in schema and check(schema["not"], value, root, _depth + 1))


def _valid_array(schema: dict[str, Any], value: list[Any], root: Any, depth: int) -> bool:
    if len(value) < schema.get("minItems", 0) or len(value) > schema.get("maxItems", math.inf):
        return False
    prefix = schema.get("prefixItems")
    items = schema.get("items")
    if isinstance(items, list):  # draft 4 tuple form
        prefix, items = items, schema.get("additionalItems")
    prefix = prefix or []
    for index, item in enumerate(value):
        sub = prefix[index] if index < len(prefix) else items
        if sub is not None and not is_valid(sub, item, root, depth + 1):
            return False
    if schema.get("uniqueItems"):
        for i, a in enumerate(value):
            if any(_equal(a, b) for b in value[i + 1 :]):
                return False
    if "contains" in schema:
        hits = sum(1 for item in value if is_valid(schema["contains"], item, root, depth + 1))
        if hits < schema.get("minContains", 1) or hits > schema.get("maxContains", math.inf):
            return False
    return True


def _valid_object(schema: dict[str, Any], value: dict[str, Any], root: Any, depth: int) -> bool:
    if any(key not in value for key in schema.get("required", ())):
        return False
    if len(value) < schema.get("minProperties", 0) or len(value) > schema.get("maxProperties", math.inf):
        return False
    properties = schema.get("properties", {})
    patterns = schema.get("patternProperties", {})
    extra = schema.get("additionalProperties", True)
    for key, item in value.items():
        matched = False
        if key in properties:
            matched = True
            if not is_valid(properties[key], item, root, depth + 1):
                return False
        for pattern, sub in patterns.items():
            if _search(pattern, key):
                matched = True
                if not is_valid(sub, item, root, depth + 1):
                    return False
        if not matched and not is_valid(extra, item, root, depth + 1):
            return False
        if "propertyNames" in schema and not is_valid(schema["propertyNames"], key, root, depth + 1):
            return False
    for key, needed in schema.get("dependentRequired", {}).items():
        if key in value and any(other not in value for other in needed):
            return False
    return True


# --- the generator -----------------------------------------------------------------------------


def instance_for(schema: Any, rng: random.Random, *, name: str = "", optional: float = 0.6) -> Any:
    """A valid instance of `schema`. Raises `UnsatisfiableSchema` when none can be found.

    `optional` is the chance that each optional property appears (0: only the required ones,
    as a model fills a tool call; structured output uses the default).
    """
    return _Generator(schema, rng, optional).top(name)


class _Generator:
    def __init__(self, root: Any, rng: random.Random, optional: float = 0.6) -> None:
        self.root = root
        self.rng = rng
        self.optional = optional
        self.calls = 0

    def top(self, name: str) -> Any:
        return self.valid(self.root, name, 0, "")

    def valid(self, schema: Any, name: str, depth: int, path: str) -> Any:
        """Generate, check, retry: a value that `is_valid` accepts."""
        last: UnsatisfiableSchema | None = None
        attempts = _ATTEMPTS * 4 if isinstance(schema, dict) and "not" in schema else _ATTEMPTS  # `not` is only checked
        for attempt in range(attempts):
            minimal = depth >= _MAX_DEPTH or attempt >= attempts - _ATTEMPTS // 2
            try:
                value = self.gen(schema, name, depth, path, minimal)
            except UnsatisfiableSchema as error:
                last = error
                if error.reason.startswith("!"):  # certain: no retry helps
                    break
                continue
            if is_valid(schema, value, self.root):
                return value
        if last is not None:
            raise UnsatisfiableSchema(last.reason.lstrip("!"), last.path)
        raise UnsatisfiableSchema("no value satisfies every constraint of the schema", path)

    def gen(self, schema: Any, name: str, depth: int, path: str, minimal: bool) -> Any:
        self.calls += 1
        if self.calls > _BUDGET:  # retries nest; a hostile schema must not make them explode
            raise UnsatisfiableSchema("!the schema is too complex: no instance found within the search budget", path)
        rng = self.rng
        if schema is True:
            return rng.choice(_WORDS)
        if schema is False:
            raise UnsatisfiableSchema("!the schema is `false`", path)
        if not isinstance(schema, dict):
            raise UnsatisfiableSchema("!a schema must be an object or a boolean", path)
        if depth > _MAX_DEPTH * 4:
            raise UnsatisfiableSchema("!the schema recurses without a finite instance", path)
        if "$ref" in schema:
            target = _resolve(self.root, schema["$ref"])
            rest = {key: value for key, value in schema.items() if key != "$ref"}
            merged = _merge(rest, target) if rest else target
            return self.gen(merged, name, depth + 1, path, minimal)
        if "const" in schema:
            return schema["const"]
        if "enum" in schema:
            options = [option for option in schema["enum"] if is_valid(_without(schema, "enum"), option, self.root)]
            if not options:
                raise UnsatisfiableSchema("!no `enum` value satisfies the other constraints", path)
            return rng.choice(options)
        if "allOf" in schema:
            merged = _without(schema, "allOf")
            for sub in schema["allOf"]:
                if isinstance(sub, dict) and "$ref" in sub:
                    sub = _resolve(self.root, sub["$ref"])
                merged = _merge(merged, sub)
            return self.gen(merged, name, depth + 1, path, minimal)
        for key in ("anyOf", "oneOf"):
            if key in schema:
                branches = list(schema[key])
                if not branches:
                    raise UnsatisfiableSchema(f"!`{key}` is empty", path)
                order = _branch_order(branches, rng, minimal)
                base = _without(schema, key)
                last: UnsatisfiableSchema | None = None
                for branch in order:
                    if isinstance(branch, dict) and "$ref" in branch:
                        branch = _resolve(self.root, branch["$ref"])
                    try:
                        value = self.gen(_merge(base, branch), name, depth + 1, path, minimal)
                    except UnsatisfiableSchema as error:
                        last = error
                        continue
                    if is_valid(schema, value, self.root):
                        return value
                raise last or UnsatisfiableSchema(f"no `{key}` branch can be satisfied", path)
        kind = self.pick_type(schema, path)
        if kind == "null":
            return None
        if kind == "boolean":
            return rng.random() < 0.5
        if kind in ("integer", "number"):
            return self.number(schema, kind, path)
        if kind == "string":
            return self.string(schema, name, path)
        if kind == "array":
            return self.array(schema, name, depth, path, minimal)
        return self.object(schema, depth, path, minimal)

    def pick_type(self, schema: dict[str, Any], path: str) -> str:
        declared = schema.get("type")
        if isinstance(declared, list):
            types = [kind for kind in declared if kind in _JSON_TYPES]
            if not types:
                raise UnsatisfiableSchema("!`type` is an empty list", path)
            concrete = [kind for kind in types if kind != "null"]
            return self.rng.choice(concrete) if concrete else "null"
        if isinstance(declared, str):
            if declared not in _JSON_TYPES:
                raise UnsatisfiableSchema(f"!unknown type {declared!r}", path)
            return declared
        if any(key in schema for key in ("properties", "required", "additionalProperties", "patternProperties")):
            return "object"
        if any(key in schema for key in ("items", "prefixItems", "minItems", "maxItems", "contains")):
            return "array"
        if any(key in schema for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")):
            return "integer" if isinstance(schema.get("multipleOf", 1), int) else "number"
        return "string"

    def number(self, schema: dict[str, Any], kind: str, path: str) -> int | float:
        rng = self.rng
        low, low_x, high, high_x = _bounds(schema)
        step = schema.get("multipleOf")
        if low is not None and high is not None and (low > high or (low == high and (low_x or high_x))):
            raise UnsatisfiableSchema(f"!the minimum {low} is above the maximum {high}", path)
        if kind == "integer" or step is not None:
            unit: float = step if step is not None else 1
            if kind == "integer" and step is not None and not float(step).is_integer():
                unit = _integer_step(step)
            lo = low if low is not None else (high - 100 if high is not None else 0)
            hi = high if high is not None else lo + 100
            k_lo = math.ceil(lo / unit)
            k_hi = math.floor(hi / unit)
            if low_x and k_lo * unit <= lo:
                k_lo += 1
            if high_x and k_hi * unit >= hi:
                k_hi -= 1
            if k_lo > k_hi:
                raise UnsatisfiableSchema("!no multiple of the step lies within the bounds", path)
            exact = kind == "integer" or isinstance(unit, int)
            for _ in range(16):
                k = rng.randint(k_lo, min(k_hi, k_lo + 1000))
                if exact:
                    return round(k * unit)
                for digits in range(13):  # the shortest spelling that is still an exact multiple
                    value = round(k * unit, digits)
                    if abs(value - k * unit) <= abs(unit) * 1e-9 and _multiple(value, unit):
                        return value
            if k_lo <= 0 <= k_hi:
                return 0
            raise UnsatisfiableSchema("no multiple of the step lies within the bounds", path)
        lo = float(low) if low is not None else (float(high) - 100 if high is not None else 0.0)
        hi = float(high) if high is not None else lo + 100
        for _ in range(8):
            value = round(rng.uniform(lo, hi), 2)
            if (value > lo or (not low_x and value == lo)) and (value < hi or (not high_x and value == hi)):
                return value
        middle = (lo + hi) / 2
        if (middle > lo or not low_x) and (middle < hi or not high_x):
            return middle
        raise UnsatisfiableSchema("!no number lies within the bounds", path)

    def string(self, schema: dict[str, Any], name: str, path: str) -> str:
        rng = self.rng
        min_len = schema.get("minLength", 0)
        max_len = schema.get("maxLength")
        if max_len is not None and min_len > max_len:
            raise UnsatisfiableSchema(f"!minLength {min_len} is above maxLength {max_len}", path)
        pattern = schema.get("pattern")
        fmt = schema.get("format")
        if pattern is not None:
            text = ""
            for max_repeat in (6, 3, 2, 1, 0, 12, 24, 48):
                text = string_for_pattern(pattern, rng, max_repeat=max_repeat)
                if min_len <= len(text) <= (max_len if max_len is not None else len(text)):
                    return text
            if len(text) < min_len and not pattern.endswith("$"):
                text += "x" * (min_len - len(text))
            return text
        if isinstance(fmt, str) and fmt in _FORMATS:
            return _FORMATS[fmt](rng)
        text = _named_string(name, rng) or _phrase(rng)
        if len(text) < min_len:
            while len(text) < min_len:
                text += " " + rng.choice(_WORDS)
        if max_len is not None and len(text) > max_len:
            text = text[:max_len].rstrip() if max_len else ""
            text = text if len(text) >= min_len else text.ljust(min_len, "x")
        return text

    def array(self, schema: dict[str, Any], name: str, depth: int, path: str, minimal: bool) -> list[Any]:
        rng = self.rng
        min_items = schema.get("minItems", 0)
        max_items = schema.get("maxItems")
        if max_items is not None and min_items > max_items:
            raise UnsatisfiableSchema(f"!minItems {min_items} is above maxItems {max_items}", path)
        prefix = schema.get("prefixItems")
        items = schema.get("items")
        if isinstance(items, list):
            prefix, items = items, schema.get("additionalItems")
        prefix = list(prefix or [])
        if items is False or (items is None and "prefixItems" in schema and schema.get("items") is False):
            cap = len(prefix)
        else:
            cap = max_items if max_items is not None else max(min_items, len(prefix)) + 3
        cap = min(cap, max_items) if max_items is not None else cap
        if min_items > cap:
            raise UnsatisfiableSchema("!more items are required than the schema allows", path)
        count = min_items if minimal else rng.randint(min_items, max(min_items, min(cap, max(min_items, 1) + 2)))
        count = max(count, min(len(prefix), cap) if not minimal else min_items)
        singular = name[:-1] if name.endswith("s") and len(name) > 3 else name
        out: list[Any] = []
        if "contains" in schema and count > 0:
            out.append(self.valid(schema["contains"], singular, depth + 1, f"{path}.contains"))
        unique = bool(schema.get("uniqueItems"))
        while len(out) < count:
            index = len(out)
            sub = prefix[index] if index < len(prefix) else (items if items is not None else True)
            for _ in range(_ATTEMPTS):
                value = self.valid(sub, singular, depth + 1, f"{path}.{index}")
                if not unique or not any(_equal(value, other) for other in out):
                    break
            else:
                raise UnsatisfiableSchema("uniqueItems cannot be met: the items allow too few distinct values", path)
            out.append(value)
        return out

    def object(self, schema: dict[str, Any], depth: int, path: str, minimal: bool) -> dict[str, Any]:
        rng = self.rng
        properties: dict[str, Any] = schema.get("properties") or {}
        required = list(dict.fromkeys(schema.get("required", ())))
        extra = schema.get("additionalProperties", True)
        patterns: dict[str, Any] = schema.get("patternProperties") or {}
        max_props = schema.get("maxProperties")
        min_props = schema.get("minProperties", 0)
        if max_props is not None and (len(required) > max_props or min_props > max_props):
            raise UnsatisfiableSchema("!more properties are required than maxProperties allows", path)
        for key in required:
            if key not in properties and extra is False and not any(_search(p, key) for p in patterns):
                raise UnsatisfiableSchema(f"!required property {key!r} is forbidden by additionalProperties", path)
        chosen = list(required)
        optional = [key for key in properties if key not in required]
        dependent: dict[str, list[str]] = schema.get("dependentRequired") or {}
        for key in optional:
            if properties[key] is False:
                continue
            if max_props is not None and len(chosen) >= max_props:
                break
            if len(chosen) < min_props or (not minimal and rng.random() < self.optional):
                chosen.append(key)
        for key in list(chosen):
            chosen.extend(other for other in dependent.get(key, ()) if other not in chosen)
        out: dict[str, Any] = {}
        for key in chosen:
            sub = properties.get(key)
            if sub is None:
                matching = [p for p in patterns if _search(p, key)]
                sub = patterns[matching[0]] if matching else (extra if isinstance(extra, dict) else True)
            try:
                out[key] = self.valid(sub, key, depth + 1, f"{path}.{key}" if path else key)
            except UnsatisfiableSchema:
                if key in required:
                    raise
        serial = 0
        while len(out) < min_props:
            serial += 1
            if patterns:
                pattern = rng.choice(sorted(patterns))
                key = string_for_pattern(pattern, rng)
                sub = patterns[pattern]
            elif extra is not False:
                names = schema.get("propertyNames")
                key = (
                    str(self.valid(names, "", depth + 1, path))
                    if names is not None
                    else f"{rng.choice(_WORDS)}_{serial}"
                )
                sub = extra if isinstance(extra, dict) else True
            else:
                raise UnsatisfiableSchema("!minProperties cannot be met without additional properties", path)
            if key not in out:
                out[key] = self.valid(sub, key, depth + 1, f"{path}.{key}")
            if serial > 4 * (min_props + 4):
                raise UnsatisfiableSchema("minProperties cannot be met", path)
        return out


def _integer_step(step: float) -> int:
    """The smallest integer multiple of a fractional step (e.g. 0.5 -> 1, 2.5 -> 5)."""
    for factor in range(1, 1001):
        candidate = step * factor
        if abs(candidate - round(candidate)) < 1e-9 and round(candidate) != 0:
            return round(candidate)
    raise UnsatisfiableSchema("!no integer is a multiple of the step")


def _phrase(rng: random.Random) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(rng.randint(1, 3)))


def _branch_order(branches: list[Any], rng: random.Random, minimal: bool) -> list[Any]:
    """Branches to try: a seeded first choice, the others after; in minimal mode the simplest first."""
    if minimal:
        return sorted(branches, key=lambda branch: len(repr(branch)))
    first = rng.randrange(len(branches))
    return [branches[first], *branches[:first], *branches[first + 1 :]]


def _without(schema: dict[str, Any], key: str) -> dict[str, Any]:
    return {name: value for name, value in schema.items() if name != key}


_TIGHTER_LOW = ("minimum", "exclusiveMinimum", "minLength", "minItems", "minProperties", "minContains")
_TIGHTER_HIGH = ("maximum", "exclusiveMaximum", "maxLength", "maxItems", "maxProperties", "maxContains")


def _merge(a: Any, b: Any) -> Any:
    """The conjunction of two schemas, as one schema (good enough for generation; checked after)."""
    if a is True or a == {}:
        return b
    if b is True or b == {}:
        return a
    if a is False or b is False:
        return False
    if not isinstance(a, dict) or not isinstance(b, dict):
        return a
    out = dict(a)
    for key, value in b.items():
        if key not in out:
            out[key] = value
            continue
        mine = out[key]
        if key == "type":
            left = set(mine if isinstance(mine, list) else [mine])
            right = set(value if isinstance(value, list) else [value])
            if "number" in left and "integer" in right:
                left.add("integer")
            if "number" in right and "integer" in left:
                right.add("integer")
            both = [kind for kind in _JSON_TYPES if kind in left & right]
            out[key] = both
        elif key == "required":
            out[key] = list(dict.fromkeys([*mine, *value]))
        elif key in ("properties", "patternProperties", "$defs", "definitions"):
            merged = dict(mine)
            for name, sub in value.items():
                merged[name] = _merge(merged[name], sub) if name in merged else sub
            out[key] = merged
        elif key == "enum":
            out[key] = [option for option in mine if any(_equal(option, other) for other in value)]
        elif key in _TIGHTER_LOW and not isinstance(value, bool) and not isinstance(mine, bool):
            out[key] = max(mine, value)
        elif key in _TIGHTER_HIGH and not isinstance(value, bool) and not isinstance(mine, bool):
            out[key] = min(mine, value)
        elif key in ("items", "additionalProperties", "not", "contains", "propertyNames"):
            out[key] = _merge(mine, value) if key != "not" else {"anyOf": [mine, value]}
        elif key in ("allOf",):
            out[key] = [*mine, *value]
        elif key in ("anyOf", "oneOf"):
            out["allOf"] = [*out.get("allOf", []), {key: value}]
        elif key == "uniqueItems":
            out[key] = bool(mine) or bool(value)
        else:
            out[key] = value if key not in ("description", "title") else mine
    return out
