"""Backend-independent planning of a batch of appends: version checks and numbering.

Both backends call `plan_batch` while they hold their database's write lock, with the head
position and the current versions of the batch's streams read under that lock. The plan gives
each append either its recorded events or the WrongExpectedVersion it failed with, and the rows
to insert, numbered contiguously from head + 1 in batch order.
"""

from __future__ import annotations

from collections.abc import Sequence

import msgspec

from .envelope import ANY, NO_STREAM, STREAM_EXISTS, Expected, ExpectedVersion, NewEvent, RecordedEvent
from .errors import WrongExpectedVersion

Row = tuple[int, str, int, str, str, int, str, str, str, int, bytes, bytes]
"""(position, stream_id, stream_version, event_id, type, schema_version, tenant_id,
correlation_id, causation_id, recorded_at_us, data, metadata): the column order of both backends."""

COLUMNS = (
    "position, stream_id, stream_version, event_id, type, schema_version, tenant_id, "
    "correlation_id, causation_id, recorded_at_us, data, metadata"
)


class Append(msgspec.Struct, frozen=True):
    stream_id: str
    events: Sequence[NewEvent]
    expected: Expected


Outcome = list[RecordedEvent] | WrongExpectedVersion


def expectation_holds(expected: Expected, current: int) -> bool:
    if expected is ANY:
        return True
    if expected is NO_STREAM:
        return current == 0
    if expected is STREAM_EXISTS:
        return current > 0
    assert isinstance(expected, int)
    return current == expected


def validate_expected(expected: Expected) -> None:
    if isinstance(expected, ExpectedVersion):
        return
    if isinstance(expected, bool) or not isinstance(expected, int) or expected < 0:
        raise ValueError(f"expected_version must be an ExpectedVersion or an int >= 0, not {expected!r}")


def plan_batch(
    appends: Sequence[Append], versions: dict[str, int], head: int, now_us: int
) -> tuple[list[Outcome], list[Row], int]:
    """Decide every append of a batch in order. Mutates `versions`; returns the new head."""
    outcomes: list[Outcome] = []
    rows: list[Row] = []
    for append in appends:
        current = versions.get(append.stream_id, 0)
        if not expectation_holds(append.expected, current):
            outcomes.append(WrongExpectedVersion(append.stream_id, describe_expected(append.expected), current))
            continue
        recorded: list[RecordedEvent] = []
        for event in append.events:
            head += 1
            current += 1
            record = recorded_event(append.stream_id, event, head, current, now_us)
            recorded.append(record)
            rows.append(
                (
                    record.position,
                    record.stream_id,
                    record.stream_version,
                    record.event_id,
                    record.type,
                    record.schema_version,
                    record.tenant_id,
                    record.correlation_id,
                    record.causation_id,
                    record.recorded_at_us,
                    record.data,
                    record.metadata,
                )
            )
        versions[append.stream_id] = current
        outcomes.append(recorded)
    return outcomes, rows, head


def record_from_row(row: Sequence[object]) -> RecordedEvent:
    """Build a RecordedEvent from a row in COLUMNS order."""
    return RecordedEvent(
        position=row[0],  # type: ignore[arg-type]
        stream_id=row[1],  # type: ignore[arg-type]
        stream_version=row[2],  # type: ignore[arg-type]
        event_id=row[3],  # type: ignore[arg-type]
        type=row[4],  # type: ignore[arg-type]
        schema_version=row[5],  # type: ignore[arg-type]
        tenant_id=row[6],  # type: ignore[arg-type]
        correlation_id=row[7],  # type: ignore[arg-type]
        causation_id=row[8],  # type: ignore[arg-type]
        recorded_at_us=row[9],  # type: ignore[arg-type]
        data=row[10],  # type: ignore[arg-type]
        metadata=row[11],  # type: ignore[arg-type]
    )


def recorded_event(stream_id: str, event: NewEvent, position: int, version: int, now_us: int) -> RecordedEvent:
    """The RecordedEvent a NewEvent becomes at this position and version (commit time `now_us`
    unless the event carries its own, as imported events do)."""
    return RecordedEvent(
        position=position,
        stream_id=stream_id,
        stream_version=version,
        event_id=event.event_id,
        type=event.type,
        schema_version=event.schema_version,
        tenant_id=event.tenant_id,
        correlation_id=event.correlation_id,
        causation_id=event.causation_id,
        recorded_at_us=now_us if event.recorded_at_us is None else event.recorded_at_us,
        data=event.data,
        metadata=event.metadata,
    )


def describe_expected(expected: Expected) -> str | int:
    return expected.value if isinstance(expected, ExpectedVersion) else expected
