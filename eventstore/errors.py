"""The store's own exception tree. Driver exceptions never escape the store.

StoreError
├── WrongExpectedVersion     an append's expected version did not hold
├── StoreClosed              the store was closed (or is closing)
├── StoreUnavailable         the database could not be reached or failed a write
├── InvalidStoreURL          open_store() was given a URL it cannot open
├── SchemaVersionMismatch    the database was written by a newer store
├── ImportConflict           an imported event collides with a different recorded one
└── CodecError               an event could not be encoded or decoded
    └── UnknownEventType
"""

from __future__ import annotations


class StoreError(Exception):
    """Base class of every error raised by the event store."""


class WrongExpectedVersion(StoreError):
    """The stream was not at the version the append expected."""

    def __init__(self, stream_id: str, expected: object, actual: int) -> None:
        self.stream_id = stream_id
        self.expected = expected
        self.actual = actual
        super().__init__(f"stream {stream_id!r}: expected version {expected}, actual {actual}")


class StoreClosed(StoreError):
    """The store no longer accepts work."""


class StoreUnavailable(StoreError):
    """The database failed; the operation may or may not have been applied unless stated."""


class InvalidStoreURL(StoreError):
    """The store URL names no supported backend or is malformed."""


class SchemaVersionMismatch(StoreError):
    """The database schema is newer than this code understands."""


class ImportConflict(StoreError):
    """An imported event's (stream, version) is already taken by a different event."""


class CodecError(StoreError):
    """An event could not be encoded, decoded or upcast."""


class UnknownEventType(CodecError):
    """No event class is registered under this type name."""
