"""Export and import events as JSON Lines: one event per line, lossless, readable with jq.

    {"position":12,"stream_id":"tenant-…","stream_version":1,"event_id":"…","type":"tenant.created",
     "schema_version":1,"tenant_id":"…","correlation_id":"req_…","causation_id":"",
     "recorded_at":"2026-11-22T04:16:00.123456Z","data":{…},"metadata":{}}

`data` and `metadata` are embedded verbatim (the exact bytes the writer stored). Import keeps
stream ids, versions, event ids and timestamps, assigns new global positions in the order of
the file, and is idempotent: an event already present with the same id is skipped, one whose
(stream, version) holds a different event raises ImportConflict, and so does a version gap.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from datetime import UTC, datetime
from typing import IO

import msgspec

from ._batch import Append
from .contract import EventStore
from .envelope import NewEvent, RecordedEvent
from .errors import ImportConflict, WrongExpectedVersion


class ExportedEvent(msgspec.Struct, frozen=True, kw_only=True):
    position: int
    stream_id: str
    stream_version: int
    event_id: str
    type: str
    schema_version: int
    tenant_id: str
    correlation_id: str
    causation_id: str
    recorded_at: str
    data: msgspec.Raw
    metadata: msgspec.Raw


class ImportReport(msgspec.Struct):
    imported: int = 0
    skipped: int = 0


_encoder = msgspec.json.Encoder()
_decoder = msgspec.json.Decoder(ExportedEvent)


def format_timestamp(recorded_at_us: int) -> str:
    seconds, micros = divmod(recorded_at_us, 1_000_000)
    return datetime.fromtimestamp(seconds, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S") + f".{micros:06d}Z"


def parse_timestamp(text: str) -> int:
    moment = datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC)
    return int(moment.replace(microsecond=0).timestamp()) * 1_000_000 + moment.microsecond


def to_line(event: RecordedEvent) -> bytes:
    return (
        _encoder.encode(
            ExportedEvent(
                position=event.position,
                stream_id=event.stream_id,
                stream_version=event.stream_version,
                event_id=event.event_id,
                type=event.type,
                schema_version=event.schema_version,
                tenant_id=event.tenant_id,
                correlation_id=event.correlation_id,
                causation_id=event.causation_id,
                recorded_at=format_timestamp(event.recorded_at_us),
                data=msgspec.Raw(event.data),
                metadata=msgspec.Raw(event.metadata),
            )
        )
        + b"\n"
    )


async def iter_export(
    store: EventStore, *, tenant_id: str | None = None, after_position: int = 0, batch_size: int = 1000
) -> AsyncIterator[bytes]:
    """The store's events (optionally one tenant's) as JSON lines, up to the head at the start."""
    end = await store.head()
    position = after_position
    while position < end:
        batch = await store.read_all(position, batch_size, tenant_id=tenant_id)
        for event in batch:
            if event.position > end:
                return
            yield to_line(event)
        if not batch:
            return
        position = batch[-1].position


async def export_jsonl(store: EventStore, out: IO[bytes], *, tenant_id: str | None = None) -> int:
    count = 0
    async for line in iter_export(store, tenant_id=tenant_id):
        out.write(line)
        count += 1
    return count


def parse_lines(lines: Iterable[bytes]) -> Iterator[ExportedEvent]:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield _decoder.decode(line)
        except msgspec.DecodeError as exc:
            raise ImportConflict(f"line {number}: not an exported event: {exc}") from exc


async def import_jsonl(store: EventStore, lines: Iterable[bytes], *, chunk_size: int = 1000) -> ImportReport:
    """Import exported events in file order, one transaction per chunk."""
    report = ImportReport()
    chunk: list[ExportedEvent] = []
    for event in parse_lines(lines):
        chunk.append(event)
        if len(chunk) >= chunk_size:
            await _import_chunk(store, chunk, report)
            chunk = []
    if chunk:
        await _import_chunk(store, chunk, report)
    return report


def _new_event(event: ExportedEvent) -> NewEvent:
    return NewEvent(
        type=event.type,
        data=bytes(event.data),
        metadata=bytes(event.metadata),
        schema_version=event.schema_version,
        tenant_id=event.tenant_id,
        correlation_id=event.correlation_id,
        causation_id=event.causation_id,
        event_id=event.event_id,
        recorded_at_us=parse_timestamp(event.recorded_at),
    )


async def _import_chunk(store: EventStore, chunk: list[ExportedEvent], report: ImportReport) -> None:
    """Runs of consecutive events of one stream become one append expecting the version before them."""
    runs: list[list[ExportedEvent]] = []
    for event in chunk:
        last = runs[-1][-1] if runs else None
        if last is not None and last.stream_id == event.stream_id and last.stream_version + 1 == event.stream_version:
            runs[-1].append(event)
        else:
            runs.append([event])
    appends = [Append(run[0].stream_id, [_new_event(e) for e in run], run[0].stream_version - 1) for run in runs]
    outcomes = await store.append_many(appends)
    for run, outcome in zip(runs, outcomes, strict=True):
        if isinstance(outcome, WrongExpectedVersion):
            await _import_run_slowly(store, run, report)
        else:
            report.imported += len(run)


async def _import_run_slowly(store: EventStore, run: list[ExportedEvent], report: ImportReport) -> None:
    """The stream was not where the run expects it: skip what is already there, append the rest."""
    present = {e.stream_version: e.event_id for e in await store.read_stream(run[0].stream_id, run[0].stream_version)}
    fresh: list[ExportedEvent] = []
    for event in run:
        existing = present.get(event.stream_version)
        if existing == event.event_id:
            report.skipped += 1
        elif existing is not None:
            raise ImportConflict(
                f"{event.stream_id} v{event.stream_version} holds event {existing}, not {event.event_id}"
            )
        else:
            fresh.append(event)
    if not fresh:
        return
    current = await store.stream_version(run[0].stream_id)
    if fresh[0].stream_version != current + 1:
        raise ImportConflict(
            f"{fresh[0].stream_id}: cannot import v{fresh[0].stream_version} onto a stream at v{current}"
        )
    try:
        await store.append(fresh[0].stream_id, [_new_event(e) for e in fresh], current)
    except WrongExpectedVersion as exc:
        raise ImportConflict(f"{fresh[0].stream_id} changed during the import: {exc}") from exc
    report.imported += len(fresh)
