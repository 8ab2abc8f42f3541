"""Typed events in and out of the store, with upcasting across breaking schema changes.

Event classes are msgspec Structs registered under a stable type name (by default the Struct's
`tag`, e.g. "message.created", never a Python path) and a schema version. Evolving a type by
adding fields with defaults needs nothing; a breaking change bumps the schema version and
registers an upcaster that turns the old JSON object into the next version's:

    codec.register(TenantCreated, schema_version=2)

    @codec.upcaster("tenant.created", from_version=1)
    def _name_to_friendly_name(data: dict) -> dict:
        return {**data, "friendly_name": data.pop("name")}

Reading an old event applies every upcaster from its recorded version up to the current one.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import msgspec

from .envelope import NewEvent, RecordedEvent
from .errors import CodecError, UnknownEventType

Upcaster = Callable[[dict[str, Any]], dict[str, Any]]


class _Registration(msgspec.Struct, frozen=True):
    name: str
    cls: type[msgspec.Struct]
    schema_version: int
    decoder: msgspec.json.Decoder[Any]


class Codec:
    """The registry of event types; encodes Structs to NewEvents and decodes RecordedEvents."""

    def __init__(self) -> None:
        self._by_name: dict[str, _Registration] = {}
        self._by_class: dict[type, _Registration] = {}
        self._upcasters: dict[tuple[str, int], Upcaster] = {}
        self._encoder = msgspec.json.Encoder()

    def register(self, cls: type[msgspec.Struct], *, name: str | None = None, schema_version: int = 1) -> None:
        type_name = name or _tag_of(cls)
        if type_name in self._by_name and self._by_name[type_name].cls is not cls:
            raise CodecError(f"event type {type_name!r} is already registered to another class")
        registration = _Registration(type_name, cls, schema_version, msgspec.json.Decoder(cls))
        self._by_name[type_name] = registration
        self._by_class[cls] = registration

    def upcaster(self, name: str, *, from_version: int) -> Callable[[Upcaster], Upcaster]:
        def register(function: Upcaster) -> Upcaster:
            self._upcasters[(name, from_version)] = function
            return function

        return register

    @property
    def type_names(self) -> frozenset[str]:
        return frozenset(self._by_name)

    def name_of(self, cls: type[msgspec.Struct]) -> str:
        try:
            return self._by_class[cls].name
        except KeyError:
            raise UnknownEventType(f"{cls.__name__} is not a registered event class") from None

    def new_event(
        self,
        event: msgspec.Struct,
        *,
        tenant_id: str = "",
        correlation_id: str = "",
        causation_id: str = "",
        metadata: bytes = b"{}",
    ) -> NewEvent:
        registration = self._by_class.get(type(event))
        if registration is None:
            raise UnknownEventType(f"{type(event).__name__} is not a registered event class")
        return NewEvent(
            type=registration.name,
            data=self._encoder.encode(event),
            schema_version=registration.schema_version,
            tenant_id=tenant_id,
            correlation_id=correlation_id,
            causation_id=causation_id,
            metadata=metadata,
        )

    def decode(self, recorded: RecordedEvent) -> Any:
        """The event as an instance of its registered class, upcast to the current version."""
        registration = self._by_name.get(recorded.type)
        if registration is None:
            raise UnknownEventType(f"no event class registered for {recorded.type!r}")
        try:
            if recorded.schema_version == registration.schema_version:
                return registration.decoder.decode(recorded.data)
            if recorded.schema_version > registration.schema_version:
                raise CodecError(
                    f"{recorded.type} v{recorded.schema_version} is newer than this code (v{registration.schema_version})"
                )
            data = msgspec.json.decode(recorded.data)
            for version in range(recorded.schema_version, registration.schema_version):
                upcast = self._upcasters.get((recorded.type, version))
                if upcast is None:
                    raise CodecError(f"no upcaster for {recorded.type} from v{version}")
                data = upcast(data)
            return msgspec.convert(data, registration.cls)
        except (msgspec.DecodeError, msgspec.ValidationError) as exc:
            raise CodecError(f"cannot decode {recorded.type} at position {recorded.position}: {exc}") from exc


def _tag_of(cls: type[msgspec.Struct]) -> str:
    tag = cls.__struct_config__.tag
    if not isinstance(tag, str):
        raise CodecError(f"{cls.__name__} has no string tag; pass name= to register()")
    return tag
