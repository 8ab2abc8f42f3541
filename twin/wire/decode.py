"""Decode request bodies into wire Structs, raising the real API's 400 messages.

One msgspec pass decodes the whole body (``strict=False``: like pydantic's lax mode,
``"1024"`` and ``1024.0`` are accepted for an integer); the ``tools`` items are kept raw
in that pass and decoded one by one afterwards (see :mod:`twin.wire.tools`). Then:

* **version gating**: under ``2026-10-21`` a ``temperature``/``top_p``/``top_k`` key is
  ``<field>: Extra inputs are not permitted``, whatever its value;
* **beta gating**: a beta-only body field (:data:`~twin.wire.request.BETA_BODY_FIELDS`),
  ``messages[].clear_at``, ``messages[].output_config``, a beta-only tool type or
  ``thinking.display: "updates"`` without its ``anthropic-beta`` value is rejected as if
  the field did not exist.

Malformed JSON gets ``The request body is not valid JSON: <parser message>``; the real
API's parser messages (``unexpected character: line 8 column 316 (char 466)``,
``no low surrogate in string: ...``) are orjson's, so orjson words them here too.

Everything here is pure: no I/O, no clock, no global state besides decoders built once.
"""

from __future__ import annotations

from typing import Any, cast

import msgspec
import orjson
from msgspec import UNSET

from twin.wire.errors import ApiError, invalid_request
from twin.wire.pydantic_errors import translate
from twin.wire.request import (
    BETA_BODY_FIELDS,
    LEGACY_SAMPLING_FIELDS,
    CountTokensBody,
    CountTokensRequest,
    MessagesBody,
    MessagesRequest,
    ThinkingAdaptive,
    ThinkingEnabled,
)
from twin.wire.tools import BETA_TOOL_TYPES, GA_TOOL_TAGS, AnyTool, CustomTool, Tool
from twin.wire.versions import KNOWN_VERSIONS, sampling_params_removed

__all__ = [
    "CLEAR_AT_BETA",
    "DISPLAY_UPDATES_BETA",
    "PER_TURN_CONTROL_BETA",
    "decode_count_tokens_request",
    "decode_messages_request",
]

CLEAR_AT_BETA = "mid-conversation-system-clear-at-2026-08-21"
PER_TURN_CONTROL_BETA = "per-turn-control-2026-07-01"
DISPLAY_UPDATES_BETA = "thinking-display-updates-2026-08-18"

_MESSAGES_BODY: Any = MessagesBody[msgspec.Raw]
_COUNT_BODY: Any = CountTokensBody[msgspec.Raw]
_MESSAGES_DECODER = msgspec.json.Decoder(_MESSAGES_BODY, strict=False)
_COUNT_DECODER = msgspec.json.Decoder(_COUNT_BODY, strict=False)
_CUSTOM_TOOL_DECODER = msgspec.json.Decoder(CustomTool, strict=False)
_ANY_TOOL_DECODER = msgspec.json.Decoder(AnyTool, strict=False)
_KNOWN_TOOL_TAGS = frozenset(GA_TOOL_TAGS) | frozenset(BETA_TOOL_TYPES)
_OPEN_BRACE = ord("{")
_DISPLAYED_THINKING = (ThinkingEnabled, ThinkingAdaptive)


def decode_messages_request(body: bytes, *, api_version: str, betas: frozenset[str]) -> MessagesRequest:
    """Decode and gate a ``POST /v1/messages`` body.

    Args:
        body: the raw request body.
        api_version: a value accepted by :func:`twin.wire.versions.resolve_api_version`.
        betas: the parsed ``anthropic-beta`` values (:func:`twin.wire.versions.parse_betas`).

    Raises:
        ApiError: 400 ``invalid_request_error`` with the real API's message.
    """
    request = cast(MessagesBody[Any], _decode(body, _MESSAGES_DECODER, _MESSAGES_BODY))
    _gate(request, api_version, betas)
    return cast("MessagesRequest", request)


def decode_count_tokens_request(body: bytes, *, api_version: str, betas: frozenset[str]) -> CountTokensRequest:
    """Decode and gate a ``POST /v1/messages/count_tokens`` body (same rules as create)."""
    request = cast(CountTokensBody[Any], _decode(body, _COUNT_DECODER, _COUNT_BODY))
    _gate(request, api_version, betas)
    return cast("CountTokensRequest", request)


def _decode(body: bytes, decoder: msgspec.json.Decoder[Any], root: Any) -> Any:
    try:
        return decoder.decode(body)
    except msgspec.ValidationError as exc:
        error = exc
    except msgspec.DecodeError:
        raise _json_error(body) from None
    # A schema error may stop the decoder before it has seen the whole body; the real API
    # parses the JSON first, so a syntax error further on still wins.
    try:
        document = msgspec.json.decode(body)
    except msgspec.DecodeError:
        raise _json_error(body) from None
    raise invalid_request(translate(error, root, document))


def _json_error(body: bytes) -> ApiError:
    try:
        orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        return invalid_request(f"The request body is not valid JSON: {exc}")
    return invalid_request("The request body is not valid JSON")  # pragma: no cover - parsers agree


def _extra(loc: str) -> ApiError:
    return invalid_request(f"{loc}: Extra inputs are not permitted")


def _gate(request: MessagesBody[Any] | CountTokensBody[Any], api_version: str, betas: frozenset[str]) -> None:
    assert api_version in KNOWN_VERSIONS, api_version
    if sampling_params_removed(api_version) and not (
        request.temperature is UNSET and request.top_p is UNSET and request.top_k is UNSET
    ):
        for name in LEGACY_SAMPLING_FIELDS:
            if getattr(request, name) is not UNSET:
                raise _extra(name)
    for name, unlocking in BETA_BODY_FIELDS.items():
        if getattr(request, name, UNSET) is not UNSET and not (unlocking & betas):
            raise _extra(name)
    clear_at_ok = CLEAR_AT_BETA in betas
    per_turn_ok = PER_TURN_CONTROL_BETA in betas
    if not (clear_at_ok and per_turn_ok):
        for index, message in enumerate(request.messages):
            if message.clear_at is not UNSET and not clear_at_ok:
                raise _extra(f"messages.{index}.clear_at")
            if message.output_config is not UNSET and not per_turn_ok:
                raise _extra(f"messages.{index}.output_config")
    thinking = request.thinking
    if (
        isinstance(thinking, _DISPLAYED_THINKING)
        and thinking.display == "updates"
        and DISPLAY_UPDATES_BETA not in betas
    ):
        raise invalid_request(f"thinking.{thinking.type}.display: Input should be 'summarized' or 'omitted'")
    if request.tools:
        request.tools = [_decode_tool(raw, index, betas) for index, raw in enumerate(request.tools)]


def _decode_tool(raw: msgspec.Raw, index: int, betas: frozenset[str]) -> Tool:
    """Decode one ``tools`` item: a custom tool first, else by its ``type`` tag."""
    try:
        tool = _CUSTOM_TOOL_DECODER.decode(raw)
    except msgspec.ValidationError as exc:
        custom_error = exc
    else:
        if memoryview(tool.input_schema)[0] != _OPEN_BRACE:
            raise invalid_request(f"tools.{index}.custom.input_schema: Input should be a valid dictionary")
        return tool
    document = msgspec.json.decode(raw)
    if not isinstance(document, dict):
        raise invalid_request(f"tools.{index}: Input should be a valid dictionary or object to extract fields from")
    kind = document.get("type")
    if kind is None or kind == "custom":
        raise invalid_request(translate(custom_error, CustomTool, document, ("tools", index, "custom")))
    if kind not in _KNOWN_TOOL_TAGS or (kind in BETA_TOOL_TYPES and not (BETA_TOOL_TYPES[kind] & betas)):
        expected = ", ".join(f"'{tag}'" for tag in GA_TOOL_TAGS)
        raise invalid_request(
            f"tools.{index}: Input tag '{kind}' found using 'type' does not match any of the expected tags: {expected}"
        )
    try:
        return cast(Tool, _ANY_TOOL_DECODER.decode(raw))
    except msgspec.ValidationError as exc:
        raise invalid_request(translate(exc, AnyTool, document, ("tools", index))) from None
