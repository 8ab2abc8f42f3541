"""An append-only, commit-ordered event store on SQLite (aiosqlite) or PostgreSQL (asyncpg).

The contract is documented in `eventstore.contract`; the error tree in `eventstore.errors`.
This package knows nothing about what the events mean.
"""

from ._batch import Append
from .codec import Codec
from .contract import EventStore
from .envelope import (
    ANY,
    NO_STREAM,
    STREAM_EXISTS,
    Expected,
    ExpectedVersion,
    NewEvent,
    RecordedEvent,
    now_us,
)
from .errors import (
    CodecError,
    ImportConflict,
    InvalidStoreURL,
    SchemaVersionMismatch,
    StoreClosed,
    StoreError,
    StoreUnavailable,
    UnknownEventType,
    WrongExpectedVersion,
)
from .factory import open_store, redact_url
from .jsonl import ImportReport, export_jsonl, import_jsonl, iter_export, parse_lines
from .views import ViewDatabase, ViewTransaction, open_views

__all__ = [
    "ANY",
    "NO_STREAM",
    "STREAM_EXISTS",
    "Append",
    "Codec",
    "CodecError",
    "EventStore",
    "Expected",
    "ExpectedVersion",
    "ImportConflict",
    "ImportReport",
    "InvalidStoreURL",
    "NewEvent",
    "RecordedEvent",
    "SchemaVersionMismatch",
    "StoreClosed",
    "StoreError",
    "StoreUnavailable",
    "UnknownEventType",
    "ViewDatabase",
    "ViewTransaction",
    "WrongExpectedVersion",
    "export_jsonl",
    "import_jsonl",
    "iter_export",
    "now_us",
    "open_store",
    "open_views",
    "parse_lines",
    "redact_url",
]
