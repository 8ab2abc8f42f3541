"""The instance generator: valid (checked by `jsonschema`), deterministic, realistic, honest about failure."""

from __future__ import annotations

import datetime
import random
import re
import uuid
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from twin.domain.schema_instances import UnsatisfiableSchema, instance_for, is_valid

VALIDATOR = jsonschema.Draft202012Validator


def check(schema: Any, seed: int = 0, validator: Any = VALIDATOR) -> Any:
    value = instance_for(schema, random.Random(seed))
    validator(schema, format_checker=validator.FORMAT_CHECKER).validate(value)
    assert is_valid(schema, value)
    return value


# --- generated schemas -----------------------------------------------------------------------

_words = st.sampled_from(["alpha", "beta", "gamma", "delta", "name", "email", "city", "count", "tags", "id"])


@st.composite
def integer_schemas(draw: st.DrawFn) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "integer"}
    low = draw(st.one_of(st.none(), st.integers(-1000, 1000)))
    span = draw(st.integers(0, 500))
    if low is not None:
        schema["minimum"] = low
    if draw(st.booleans()):
        schema["maximum"] = (low if low is not None else 0) + span
    step = draw(st.one_of(st.none(), st.integers(1, 7)))
    if step is not None:
        schema["multipleOf"] = step
        if "maximum" in schema:
            schema["maximum"] += step  # leave room for a multiple
    if draw(st.booleans()) and "minimum" in schema and "maximum" in schema and span > 2 + (step or 0) * 2:
        schema["exclusiveMinimum"] = schema.pop("minimum")
    return schema


@st.composite
def number_schemas(draw: st.DrawFn) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "number"}
    low = draw(st.floats(-1e4, 1e4, allow_nan=False).map(lambda x: round(x, 3)))
    schema["minimum"] = low
    if draw(st.booleans()):
        schema["maximum"] = low + draw(st.floats(1, 1e3, allow_nan=False))
    if draw(st.booleans()):
        schema["multipleOf"] = draw(st.sampled_from([0.5, 0.25, 0.1, 0.01, 2.5]))
        schema["maximum"] = schema.get("maximum", low) + 10
    return schema


_PATTERNS = [
    r"^[A-Z]{3}-\d{4}$",
    r"^[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}$",
    r"^(red|green|blue)$",
    r"^\+?[0-9]{1,3}[ -]?[0-9]{6,10}$",
    r"^v\d+\.\d+\.\d+(-[a-z]+)?$",
    r"[a-f0-9]{8}",
    r"^\w+( \w+)*$",
    r"^[^@\s]+$",
    r"^(?:https?://)[a-z]+\.(com|org)/?$",
    r"^#[0-9a-fA-F]{6}$",
]


@st.composite
def string_schemas(draw: st.DrawFn) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    choice = draw(st.integers(0, 3))
    if choice == 1:
        schema["format"] = draw(st.sampled_from(["date-time", "date", "email", "uri", "uuid", "ipv4", "time"]))
    elif choice == 2:
        schema["pattern"] = draw(st.sampled_from(_PATTERNS))
    else:
        low = draw(st.integers(0, 20))
        schema["minLength"] = low
        if draw(st.booleans()):
            schema["maxLength"] = low + draw(st.integers(0, 30))
    return schema


leaf_schemas = st.one_of(
    integer_schemas(),
    number_schemas(),
    string_schemas(),
    st.just({"type": "boolean"}),
    st.just({"type": "null"}),
    st.lists(st.one_of(st.integers(-5, 5), _words, st.booleans(), st.none()), min_size=1, max_size=5).map(
        lambda options: {"enum": options}
    ),
    st.one_of(st.integers(), _words).map(lambda value: {"const": value}),
    st.just({"type": ["string", "null"]}),
    st.just({"type": "string", "nullable": True}),
    st.just({}),
)


def _extend(children: st.SearchStrategy[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    @st.composite
    def objects(draw: st.DrawFn) -> dict[str, Any]:
        properties = draw(st.dictionaries(_words, children, min_size=0, max_size=5))
        required = [key for key in properties if draw(st.booleans())]
        schema: dict[str, Any] = {"type": "object", "properties": properties, "required": required}
        schema["additionalProperties"] = draw(st.sampled_from([False, True, {"type": "integer"}]))
        return schema

    @st.composite
    def arrays(draw: st.DrawFn) -> dict[str, Any]:
        low = draw(st.integers(0, 3))
        schema: dict[str, Any] = {"type": "array", "items": draw(children), "minItems": low}
        if draw(st.booleans()):
            schema["maxItems"] = low + draw(st.integers(0, 4))
        return schema

    @st.composite
    def tuples(draw: st.DrawFn) -> dict[str, Any]:
        prefix = draw(st.lists(children, min_size=1, max_size=3))
        return {"type": "array", "prefixItems": prefix, "items": False}

    @st.composite
    def unique_arrays(draw: st.DrawFn) -> dict[str, Any]:
        return {
            "type": "array",
            "items": {"type": "integer", "minimum": 0, "maximum": 50},
            "uniqueItems": True,
            "minItems": draw(st.integers(0, 10)),
        }

    @st.composite
    def combinators(draw: st.DrawFn) -> dict[str, Any]:
        kind = draw(st.sampled_from(["anyOf", "oneOf", "allOf"]))
        if kind == "anyOf":
            return {"anyOf": draw(st.lists(children, min_size=1, max_size=3))}
        if kind == "oneOf":  # branches of distinct types: exactly one matches
            return {"oneOf": [{"type": "string", "minLength": 1}, {"type": "boolean"}, {"type": "null"}]}
        if kind == "allOf":
            return {
                "allOf": [
                    {"type": "object", "properties": {"a": draw(children)}, "required": ["a"]},
                    {"properties": {"b": {"type": "integer", "minimum": 3}}, "required": ["b"]},
                ]
            }

    return st.one_of(objects(), arrays(), tuples(), unique_arrays(), combinators())


_trees = st.recursive(leaf_schemas, _extend, max_leaves=12)
#: $refs resolve against the root, so definitions live only at the top.
_with_defs = _trees.map(
    lambda thing: {
        "$defs": {"thing": thing},
        "type": "object",
        "properties": {"first": {"$ref": "#/$defs/thing"}, "second": {"$ref": "#/$defs/thing"}},
        "required": ["first"],
    }
)
schemas = st.one_of(_trees, _with_defs)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(schema=schemas, seed=st.integers(0, 2**32), optional=st.sampled_from([0.0, 0.6, 1.0]))
def test_generated_instances_validate(schema: dict[str, Any], seed: int, optional: float) -> None:
    value = instance_for(schema, random.Random(seed), optional=optional)
    VALIDATOR(schema, format_checker=VALIDATOR.FORMAT_CHECKER).validate(value)
    assert is_valid(schema, value)


@settings(max_examples=50, deadline=None)
@given(schema=schemas, seed=st.integers(0, 2**32))
def test_same_seed_same_instance(schema: dict[str, Any], seed: int) -> None:
    assert instance_for(schema, random.Random(seed)) == instance_for(schema, random.Random(seed))


# --- hand-written cases ------------------------------------------------------------------------


def test_formats_are_real() -> None:
    for seed in range(20):
        value = check(
            {
                "type": "object",
                "properties": {
                    "when": {"type": "string", "format": "date-time"},
                    "day": {"type": "string", "format": "date"},
                    "mail": {"type": "string", "format": "email"},
                    "link": {"type": "string", "format": "uri"},
                    "key": {"type": "string", "format": "uuid"},
                },
                "required": ["when", "day", "mail", "link", "key"],
            },
            seed,
        )
        datetime.datetime.fromisoformat(value["when"].replace("Z", "+00:00"))
        datetime.date.fromisoformat(value["day"])
        assert re.fullmatch(r"[^@\s]+@[^@\s]+\.[a-z]+", value["mail"])
        assert value["link"].startswith("https://")
        uuid.UUID(value["key"])


def test_realistic_names_and_commands() -> None:
    value = check(
        {
            "type": "object",
            "properties": {"command": {"type": "string"}, "city": {"type": "string"}},
            "required": ["command", "city"],
        }
    )
    assert value["command"] in {"ls -la", "pwd", "git status", "cat README.md", "echo hello", "date"}
    assert value["city"][0].isupper()


def test_recursive_refs_terminate() -> None:
    schema = {
        "$defs": {
            "node": {
                "type": "object",
                "properties": {
                    "name": {"type": "string"},
                    "children": {"type": "array", "items": {"$ref": "#/$defs/node"}},
                },
                "required": ["name", "children"],
            }
        },
        "$ref": "#/$defs/node",
    }
    for seed in range(10):
        check(schema, seed)


def test_draft4_forms_and_nullable() -> None:
    draft4 = jsonschema.Draft4Validator
    assert (
        check(
            {"type": "integer", "minimum": 1, "exclusiveMinimum": True, "maximum": 3, "exclusiveMaximum": True},
            validator=draft4,
        )
        == 2
    )
    check(
        {"definitions": {"x": {"type": "string", "enum": ["on", "off"]}}, "$ref": "#/definitions/x"}, validator=draft4
    )
    assert check({"type": "array", "items": [{"type": "integer"}, {"type": "string"}], "minItems": 2}, validator=draft4)


def test_one_of_with_overlap_picks_exactly_one() -> None:
    schema = {"oneOf": [{"type": "integer", "multipleOf": 2}, {"type": "integer", "multipleOf": 3}]}
    for seed in range(20):
        check(schema, seed)


def test_float_multiple_of_is_exact() -> None:
    for seed in range(30):
        value = check({"type": "number", "multipleOf": 0.1, "minimum": 0, "maximum": 10}, seed)
        assert len(repr(value)) <= 5


@pytest.mark.parametrize(
    "schema",
    [
        False,
        {"type": "integer", "minimum": 10, "maximum": 5},
        {"type": "string", "minLength": 5, "maxLength": 2},
        {"type": "array", "minItems": 3, "maxItems": 1},
        {"type": "object", "properties": {}, "required": ["a"], "additionalProperties": False},
        {"enum": [1, 2], "type": "string"},
        {"type": "array", "items": {"enum": ["x", "y"]}, "uniqueItems": True, "minItems": 3},
        {"allOf": [{"type": "string"}, {"type": "integer"}]},
        {"type": "integer", "multipleOf": 10, "minimum": 1, "maximum": 9},
        {"$ref": "#/$defs/missing"},
    ],
)
def test_unsatisfiable_schemas_raise(schema: Any) -> None:
    with pytest.raises(UnsatisfiableSchema):
        instance_for(schema, random.Random(0))


@pytest.mark.parametrize(
    "schema",
    [
        {
            "type": "object",
            "patternProperties": {"^x-[a-z]+$": {"type": "integer"}},
            "minProperties": 2,
            "additionalProperties": False,
        },
        {
            "type": "array",
            "contains": {"type": "integer", "minimum": 100},
            "minContains": 1,
            "items": {"type": "integer"},
        },
        {"type": "integer", "not": {"enum": list(range(11))}, "minimum": 0, "maximum": 12},
        {
            "type": "object",
            "properties": {"a": {"type": "string"}, "b": {"type": "string"}},
            "dependentRequired": {"a": ["b"]},
            "required": ["a"],
        },
        {"type": ["integer", "string"], "minLength": 3, "minimum": 5},
        {"type": "string", "pattern": "^[a-z]+$", "minLength": 10, "maxLength": 12},
        {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
        {
            "type": "array",
            "prefixItems": [{"const": "x"}, {"type": "integer"}],
            "items": {"type": "boolean"},
            "minItems": 4,
        },
        {"type": "object", "propertyNames": {"pattern": "^[a-z]{3}$"}, "minProperties": 2},
        {
            "anyOf": [
                {"type": "null"},
                {"type": "object", "properties": {"q": {"type": "string", "format": "date"}}, "required": ["q"]},
            ]
        },
        {"type": "string", "format": "ipv6"},
        {"type": "string", "pattern": "^(?!foo)[a-z]{3}$"},
        {"type": "string", "pattern": r"^\d{3}-\d{2}-\d{4}$"},
        {"type": "integer", "multipleOf": 7, "exclusiveMinimum": 14, "exclusiveMaximum": 22},
        {"type": "number", "multipleOf": 0.01, "minimum": 0.015, "maximum": 0.02},
        {
            "oneOf": [
                {"type": "object", "properties": {"kind": {"const": "a"}}, "required": ["kind"]},
                {"type": "object", "properties": {"kind": {"const": "b"}}, "required": ["kind"]},
            ]
        },
    ],
)
def test_more_keywords(schema: dict[str, Any]) -> None:
    for seed in range(8):
        check(schema, seed)


def _captured_schemas() -> list[Any]:
    import json
    from pathlib import Path

    root = Path(__file__).resolve().parents[1] / "fixtures" / "captures"
    found: dict[str, Any] = {}
    for path in sorted(root.rglob("*.json")):
        body = json.loads(path.read_text()).get("body")
        if not isinstance(body, dict):
            continue
        for tool in body.get("tools") or []:
            if isinstance(tool, dict) and isinstance(tool.get("input_schema"), dict):
                found.setdefault(json.dumps(tool["input_schema"], sort_keys=True), tool["input_schema"])
        fmt = (body.get("output_config") or {}).get("format")
        if fmt:
            found.setdefault(json.dumps(fmt["schema"], sort_keys=True), fmt["schema"])
    return list(found.values())


def test_every_captured_schema_of_claude_code_and_the_sdks() -> None:
    schemas = _captured_schemas()
    assert len(schemas) > 10
    for schema in schemas:
        validator = jsonschema.validators.validator_for(schema)
        for seed in range(3):
            for optional in (0.0, 1.0):
                value = instance_for(schema, random.Random(seed), optional=optional)
                validator(schema, format_checker=validator.FORMAT_CHECKER).validate(value)


def test_hostile_nesting_ends_with_a_clear_error() -> None:
    schema: Any = {"type": "array", "items": {"enum": ["x", "y"]}, "uniqueItems": True, "minItems": 3}
    for _ in range(6):
        schema = {"type": "object", "properties": {"a": schema, "b": {"anyOf": [schema, schema]}}, "required": ["a"]}
    with pytest.raises(UnsatisfiableSchema):
        instance_for(schema, random.Random(0))


def test_wide_schemas_fit_the_budget() -> None:
    properties = {
        f"field_{index}": {"type": "object", "properties": {"x": {"type": "integer"}}, "required": ["x"]}
        for index in range(1500)
    }
    value = check({"type": "object", "properties": properties, "required": list(properties)})
    assert len(value) == 1500
