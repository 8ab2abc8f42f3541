"""The model catalog: every model the twin knows, as data, in one place.

Ids: every id of the SDK's ``Model`` literal (anthropic 2.12.0), the dated snapshots of
the 4.5 generation with their undated aliases, and the retired ids of the SDK's
``DEPRECATED_MODELS`` (so that ``lifecycle[]=retired`` lists them and ``messages``
answers them with 404 ``model: <id>``).

Sources, per field (see the reference, §10 and §16, and the wire report):

* ``created_at``: the 2026-07-27 capture of ``/v1/models`` where it has the model;
  release dates elsewhere; **chosen** (plausible) dates for models released later.
* ``lifecycle`` / ``deprecated_at`` / ``retires_at``: ``retires_at`` is the SDK's
  end-of-life date; the lifecycle is what that implies on 2026-11-22. It is stored, not
  computed from a clock, so the twin answers the same on any day. ``deprecated_at`` is
  chosen where no source gives it.
* limits, thinking types, effort levels, prefill, mid-conversation ``system`` messages,
  forced ``tool_choice`` and minimum cacheable prompt lengths: public docs and SDK/
  client-library code where found, chosen by family otherwise.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal, TypeAlias

from twin.wire.models import (
    CapabilitySupport,
    ContextManagementCapability,
    EffortCapability,
    ModelCapabilities,
    ModelInfo,
    ServerToolsCapability,
    ThinkingCapability,
    ThinkingTypes,
)

__all__ = [
    "CATALOG",
    "CATALOG_DATE",
    "DEFAULT_LIFECYCLES",
    "Effort",
    "Features",
    "Lifecycle",
    "Line",
    "ModelSpec",
    "ThinkingType",
    "list_models",
    "model_info",
    "resolve",
]

Lifecycle: TypeAlias = Literal["active", "deprecated", "retired"]
Line: TypeAlias = Literal["haiku", "sonnet", "opus", "fable", "mythos"]
ThinkingType: TypeAlias = Literal["enabled", "disabled", "adaptive", "between_tools"]
Effort: TypeAlias = Literal["low", "medium", "high", "xhigh", "max"]
ContextEdit: TypeAlias = Literal["clear_tool_uses_20250919", "clear_thinking_20251015", "compact_20260112"]

#: The date the lifecycles below describe.
CATALOG_DATE = "2026-11-22"
#: ``GET /v1/models`` without ``lifecycle[]`` lists these.
DEFAULT_LIFECYCLES: tuple[Lifecycle, ...] = ("active", "deprecated")


@dataclass(frozen=True, slots=True)
class Features:
    """What a model accepts; shared by a model generation (see the profiles below)."""

    thinking_types: frozenset[ThinkingType]
    #: What an omitted ``thinking`` means.
    default_thinking: ThinkingType
    #: ``thinking.display`` when the request does not say.
    default_thinking_display: Literal["summarized", "omitted"]
    #: ``output_config.effort`` values; empty when ``effort`` is unsupported.
    effort_levels: frozenset[Effort]
    #: A final ``assistant`` message (prefill) is accepted.
    prefill: bool
    #: ``role: "system"`` entries inside ``messages`` are accepted.
    mid_conversation_system: bool
    #: ``tool_choice`` ``any``/``tool`` is accepted.
    forced_tool_choice: bool
    #: ``temperature``/``top_p``/``top_k`` (2023-06-01 only) are accepted at all.
    sampling_params: bool
    #: ``temperature`` and ``top_p`` may not both be set (Claude 4.1 to 4.6).
    exclusive_temperature_top_p: bool
    context_edits: frozenset[ContextEdit]
    structured_outputs: bool = True
    image_input: bool = True
    pdf_input: bool = True
    citations: bool = True
    code_execution: bool = True
    web_search: bool = True
    batch: bool = True


@dataclass(frozen=True, slots=True)
class ModelSpec:
    """One model of the catalog (a dated snapshot, or an undated id from 4.6 on)."""

    id: str
    display_name: str
    created_at: str
    line: Line | None
    lifecycle: Lifecycle
    deprecated_at: str | None
    retires_at: str | None
    #: Context window (input tokens) and the largest ``max_tokens``.
    max_input_tokens: int
    max_tokens: int
    #: The shortest prompt prefix that is written to the prompt cache.
    min_cacheable_tokens: int
    features: Features
    aliases: tuple[str, ...] = field(default=())

    @property
    def available(self) -> bool:
        """Whether ``POST /v1/messages`` serves this model (retired ones are 404)."""
        return self.lifecycle != "retired"


# --- generation profiles -------------------------------------------------------------------

_NO_EFFORT: frozenset[Effort] = frozenset()
_EFFORT_3: frozenset[Effort] = frozenset({"low", "medium", "high"})
_EFFORT_4: frozenset[Effort] = frozenset({"low", "medium", "high", "max"})
_EFFORT_5: frozenset[Effort] = frozenset({"low", "medium", "high", "xhigh", "max"})
_EDITS_2: frozenset[ContextEdit] = frozenset({"clear_tool_uses_20250919", "clear_thinking_20251015"})
_EDITS_3: frozenset[ContextEdit] = _EDITS_2 | {"compact_20260112"}

#: Claude 4.1 / 4.5 (and, loosely, the retired 3.x / 4.0): manual thinking, prefill.
_BUDGETED = Features(
    thinking_types=frozenset({"enabled", "disabled"}),
    default_thinking="disabled",
    default_thinking_display="summarized",
    effort_levels=_NO_EFFORT,
    prefill=True,
    mid_conversation_system=False,
    forced_tool_choice=True,
    sampling_params=True,
    exclusive_temperature_top_p=True,
    context_edits=_EDITS_2,
)
#: Claude 4.6: adaptive thinking arrives (manual still accepted, deprecated), no prefill.
_ADAPTIVE_46 = dataclasses.replace(
    _BUDGETED,
    thinking_types=frozenset({"enabled", "disabled", "adaptive"}),
    effort_levels=_EFFORT_4,
    prefill=False,
    context_edits=_EDITS_3,
)
#: Opus 4.7 and later: adaptive only, thinking omitted by default, default sampling only.
_ADAPTIVE_ONLY = dataclasses.replace(
    _ADAPTIVE_46,
    thinking_types=frozenset({"disabled", "adaptive"}),
    default_thinking_display="omitted",
    effort_levels=_EFFORT_5,
    sampling_params=False,
    exclusive_temperature_top_p=False,
)
#: Opus 4.8 and most 5.x models: plus mid-conversation system messages.
_ADAPTIVE_SYSTEM = dataclasses.replace(_ADAPTIVE_ONLY, mid_conversation_system=True)
#: The 5.1 / 5.5 / 5.2 generation: always thinks (adaptive, or between tools only).
_ALWAYS_THINKING = dataclasses.replace(
    _ADAPTIVE_SYSTEM,
    thinking_types=frozenset({"adaptive", "between_tools"}),
    default_thinking="adaptive",
    forced_tool_choice=False,
)
#: Mythos 5.1 / 5.2: between-tools thinking too, but thinking stays opt-in.
_MYTHOS_51 = dataclasses.replace(_ADAPTIVE_SYSTEM, thinking_types=frozenset({"disabled", "adaptive", "between_tools"}))

_K = 1_000
_M = 1_000_000


def _m(
    model_id: str,
    name: str,
    created: str,
    line: Line | None,
    features: Features,
    *,
    context: int,
    output: int,
    min_cache: int,
    lifecycle: Lifecycle = "active",
    deprecated_at: str | None = None,
    retires_at: str | None = None,
    aliases: Iterable[str] = (),
) -> ModelSpec:
    return ModelSpec(
        id=model_id,
        display_name=name,
        created_at=f"{created}T00:00:00Z",
        line=line,
        lifecycle=lifecycle,
        deprecated_at=f"{deprecated_at}T00:00:00Z" if deprecated_at else None,
        retires_at=f"{retires_at}T00:00:00Z" if retires_at else None,
        max_input_tokens=context,
        max_tokens=output,
        min_cacheable_tokens=min_cache,
        features=features,
        aliases=tuple(aliases),
    )


def _retired(
    model_id: str,
    name: str,
    created: str,
    line: Line | None,
    deprecated: str,
    retired: str,
    *,
    output: int,
    aliases: Iterable[str] = (),
    min_cache: int = 1024,
) -> ModelSpec:
    return _m(
        model_id,
        name,
        created,
        line,
        _BUDGETED,
        context=200 * _K,
        output=output,
        min_cache=min_cache,
        lifecycle="retired",
        deprecated_at=deprecated,
        retires_at=retired,
        aliases=aliases,
    )


#: Newest first. The SDK ``Model`` literal ids are all here (as ids or aliases).
CATALOG: tuple[ModelSpec, ...] = (
    # --- 5.x (dates after the 2026-07-27 capture are chosen) ---
    _m("claude-fable-5-2", "Claude Fable 5.2", "2026-11-12", "fable", _ALWAYS_THINKING,
       context=_M, output=128 * _K, min_cache=512),
    _m("claude-mythos-5-2", "Claude Mythos 5.2", "2026-11-05", "mythos", _MYTHOS_51,
       context=_M, output=128 * _K, min_cache=512),
    _m("claude-haiku-5-5", "Claude Haiku 5.5", "2026-10-15", "haiku",
       dataclasses.replace(_ADAPTIVE_ONLY, effort_levels=_EFFORT_3),
       context=_M, output=64 * _K, min_cache=1024),
    _m("claude-sonnet-5-5", "Claude Sonnet 5.5", "2026-09-28", "sonnet", _ALWAYS_THINKING,
       context=_M, output=128 * _K, min_cache=1024),
    _m("claude-opus-5-5", "Claude Opus 5.5", "2026-09-10", "opus", _ALWAYS_THINKING,
       context=_M, output=128 * _K, min_cache=512),
    _m("claude-fable-5-1", "Claude Fable 5.1", "2026-08-27", "fable", _ALWAYS_THINKING,
       context=_M, output=128 * _K, min_cache=512),
    _m("claude-mythos-5-1", "Claude Mythos 5.1", "2026-08-20", "mythos", _MYTHOS_51,
       context=_M, output=128 * _K, min_cache=512),
    _m("claude-opus-5", "Claude Opus 5", "2026-07-24", "opus", _ADAPTIVE_SYSTEM,
       context=_M, output=128 * _K, min_cache=512),
    _m("claude-sonnet-5", "Claude Sonnet 5", "2026-06-29", "sonnet",
       dataclasses.replace(_ADAPTIVE_ONLY, effort_levels=_EFFORT_5),
       context=_M, output=64 * _K, min_cache=1024),
    _m("claude-mythos-5", "Claude Mythos 5", "2026-06-18", "mythos", _ADAPTIVE_SYSTEM,
       context=_M, output=128 * _K, min_cache=512),
    _m("claude-fable-5", "Claude Fable 5", "2026-06-07", "fable", _ADAPTIVE_SYSTEM,
       context=_M, output=128 * _K, min_cache=512),
    # --- 4.x ---
    _m("claude-opus-4-8", "Claude Opus 4.8", "2026-05-28", "opus", _ADAPTIVE_SYSTEM,
       context=_M, output=128 * _K, min_cache=1024),
    _m("claude-opus-4-7", "Claude Opus 4.7", "2026-04-14", "opus", _ADAPTIVE_ONLY,
       context=_M, output=128 * _K, min_cache=2048),
    _m("claude-mythos-preview", "Claude Mythos Preview", "2026-04-07", "mythos", _ADAPTIVE_46,
       context=_M, output=128 * _K, min_cache=4096,
       lifecycle="retired", deprecated_at="2026-05-28", retires_at="2026-06-30"),
    _m("claude-sonnet-4-6", "Claude Sonnet 4.6", "2026-02-17", "sonnet",
       dataclasses.replace(_ADAPTIVE_46, effort_levels=_EFFORT_3),
       context=_M, output=64 * _K, min_cache=1024),
    _m("claude-opus-4-6", "Claude Opus 4.6", "2026-02-04", "opus", _ADAPTIVE_46,
       context=_M, output=128 * _K, min_cache=4096),
    _m("claude-opus-4-5-20251101", "Claude Opus 4.5", "2025-11-24", "opus",
       dataclasses.replace(_BUDGETED, effort_levels=_EFFORT_3),
       context=200 * _K, output=64 * _K, min_cache=4096, aliases=("claude-opus-4-5",)),
    _m("claude-haiku-4-5-20251001", "Claude Haiku 4.5", "2025-10-15", "haiku", _BUDGETED,
       context=200 * _K, output=64 * _K, min_cache=4096, aliases=("claude-haiku-4-5",)),
    _m("claude-sonnet-4-5-20250929", "Claude Sonnet 4.5", "2025-09-29", "sonnet", _BUDGETED,
       context=200 * _K, output=64 * _K, min_cache=1024, aliases=("claude-sonnet-4-5",),
       lifecycle="deprecated", deprecated_at="2026-05-30", retires_at="2026-11-30"),
    _m("claude-opus-4-1-20250805", "Claude Opus 4.1", "2025-08-05", "opus", _BUDGETED,
       context=200 * _K, output=32 * _K, min_cache=1024, aliases=("claude-opus-4-1",),
       lifecycle="deprecated", deprecated_at="2026-06-15", retires_at="2026-12-15"),
    # --- retired (the SDK's DEPRECATED_MODELS; end-of-life dates from there) ---
    _retired("claude-opus-4-20250514", "Claude Opus 4", "2025-05-22", "opus", "2026-04-14", "2026-06-15",
             output=32 * _K, aliases=("claude-opus-4-0",)),
    _retired("claude-sonnet-4-20250514", "Claude Sonnet 4", "2025-05-22", "sonnet", "2026-04-14",
             "2026-06-15", output=64 * _K, aliases=("claude-sonnet-4-0",)),
    _retired("claude-3-7-sonnet-20250219", "Claude Sonnet 3.7", "2025-02-24", "sonnet", "2025-10-28",
             "2026-02-19", output=64 * _K, aliases=("claude-3-7-sonnet-latest",)),
    _retired("claude-3-5-haiku-20241022", "Claude Haiku 3.5", "2024-10-22", "haiku", "2025-10-28",
             "2026-02-19", output=8192, aliases=("claude-3-5-haiku-latest",), min_cache=2048),
    _retired("claude-3-opus-20240229", "Claude Opus 3", "2024-02-29", "opus", "2025-06-30", "2026-01-05",
             output=4096, aliases=("claude-3-opus-latest",)),
    _retired("claude-3-sonnet-20240229", "Claude Sonnet 3", "2024-02-29", "sonnet", "2025-01-21",
             "2025-07-21", output=4096),
    _retired("claude-2.1", "Claude 2.1", "2023-11-21", None, "2025-01-21", "2025-07-21", output=4096),
    _retired("claude-2.0", "Claude 2.0", "2023-07-11", None, "2025-01-21", "2025-07-21", output=4096),
    _retired("claude-instant-1.2", "Claude Instant 1.2", "2023-08-09", None, "2024-09-04", "2024-11-06",
             output=4096),
    _retired("claude-instant-1.1-100k", "Claude Instant 1.1 (100k)", "2023-05-11", None, "2024-09-04",
             "2024-11-06", output=4096),
    _retired("claude-instant-1.1", "Claude Instant 1.1", "2023-03-14", None, "2024-09-04", "2024-11-06",
             output=4096),
    _retired("claude-1.3-100k", "Claude 1.3 (100k)", "2023-05-11", None, "2024-09-04", "2024-11-06",
             output=4096),
    _retired("claude-1.3", "Claude 1.3", "2023-03-14", None, "2024-09-04", "2024-11-06", output=4096),
)  # fmt: skip

_BY_ID: dict[str, ModelSpec] = {}
for _spec in CATALOG:
    for _key in (_spec.id, *_spec.aliases):
        assert _key not in _BY_ID, f"duplicate model id {_key}"
        _BY_ID[_key] = _spec
del _spec, _key


def resolve(model_id: str) -> ModelSpec | None:
    """The model an id or alias names, retired ones included; ``None`` if unknown."""
    return _BY_ID.get(model_id)


def list_models(lifecycles: Iterable[Lifecycle] = DEFAULT_LIFECYCLES) -> list[ModelSpec]:
    """Models in the given lifecycles, newest first (``GET /v1/models`` order)."""
    wanted = frozenset(lifecycles)
    picked = [spec for spec in CATALOG if spec.lifecycle in wanted]
    picked.sort(key=lambda spec: (spec.created_at, spec.id), reverse=True)
    return picked


def _support(flag: bool) -> CapabilitySupport:
    return CapabilitySupport(supported=flag)


def model_info(spec: ModelSpec) -> ModelInfo:
    """The ``ModelInfo`` body for a model (``capabilities`` as in SDK 2.12.0)."""
    f = spec.features
    thinking_types = ThinkingTypes(
        adaptive=_support("adaptive" in f.thinking_types),
        between_tools=_support("between_tools" in f.thinking_types),
        disabled=_support("disabled" in f.thinking_types),
        enabled=_support("enabled" in f.thinking_types),
    )
    effort = EffortCapability(
        supported=bool(f.effort_levels),
        low=_support("low" in f.effort_levels),
        medium=_support("medium" in f.effort_levels),
        high=_support("high" in f.effort_levels),
        max=_support("max" in f.effort_levels),
        xhigh=_support("xhigh" in f.effort_levels),
    )
    capabilities = ModelCapabilities(
        batch=_support(f.batch),
        citations=_support(f.citations),
        code_execution=_support(f.code_execution),
        context_management=ContextManagementCapability(
            supported=bool(f.context_edits),
            clear_thinking_20251015=_support("clear_thinking_20251015" in f.context_edits),
            clear_tool_uses_20250919=_support("clear_tool_uses_20250919" in f.context_edits),
            compact_20260112=_support("compact_20260112" in f.context_edits),
        ),
        effort=effort,
        image_input=_support(f.image_input),
        pdf_input=_support(f.pdf_input),
        server_tools=ServerToolsCapability(
            supported=f.code_execution or f.web_search,
            code_execution=_support(f.code_execution),
            web_search=_support(f.web_search),
        ),
        structured_outputs=_support(f.structured_outputs),
        thinking=ThinkingCapability(
            supported=bool(f.thinking_types - {"disabled"}),
            types=thinking_types,
        ),
    )
    return ModelInfo(
        id=spec.id,
        display_name=spec.display_name,
        created_at=spec.created_at,
        line=spec.line,
        lifecycle=spec.lifecycle,
        deprecated_at=spec.deprecated_at,
        retires_at=spec.retires_at,
        max_input_tokens=spec.max_input_tokens,
        max_tokens=spec.max_tokens,
        capabilities=capabilities,
    )
