"""The event-store contract (eventstore/contract.py), run against every backend."""

from __future__ import annotations

import asyncio

import msgspec
import pytest

from eventstore import (
    ANY,
    NO_STREAM,
    STREAM_EXISTS,
    Append,
    EventStore,
    NewEvent,
    StoreClosed,
    WrongExpectedVersion,
    open_store,
)


def event(n: int = 0, *, type: str = "test.happened", tenant: str = "", data: bytes | None = None) -> NewEvent:
    return NewEvent(
        type=type,
        data=data if data is not None else msgspec.json.encode({"n": n}),
        tenant_id=tenant,
        correlation_id=f"req_{n}",
    )


async def test_append_returns_recorded_events_with_positions_and_versions(store: EventStore) -> None:
    first = await store.append("order-1", [event(1), event(2)], NO_STREAM)
    second = await store.append("order-2", [event(3)], NO_STREAM)
    third = await store.append("order-1", [event(4)], 2)
    assert [(e.position, e.stream_id, e.stream_version) for e in first + second + third] == [
        (1, "order-1", 1),
        (2, "order-1", 2),
        (3, "order-2", 1),
        (4, "order-1", 3),
    ]
    assert await store.head() == 4
    assert await store.stream_version("order-1") == 3
    assert await store.stream_version("missing") == 0
    stream = await store.read_stream("order-1")
    assert [msgspec.json.decode(e.data)["n"] for e in stream] == [1, 2, 4]
    assert stream == first + third


async def test_recorded_events_keep_every_envelope_field_and_exact_bytes(store: EventStore) -> None:
    data = '{"z": 1,   "a": "caf\u00e9 \u2603", "nested": {"k": [1, 2.50, null]}}'.encode()
    new = NewEvent(
        type="test.envelope",
        data=data,
        metadata=b'{"source":  "test"}',
        schema_version=3,
        tenant_id="tenant-a",
        correlation_id="req_011CabcDEF",
        causation_id="evt-parent",
    )
    (recorded,) = await store.append("envelope", [new])
    (read,) = await store.read_all()
    assert read == recorded
    assert read.data == data
    assert read.metadata == b'{"source":  "test"}'
    assert (read.type, read.schema_version, read.tenant_id) == ("test.envelope", 3, "tenant-a")
    assert (read.correlation_id, read.causation_id, read.event_id) == ("req_011CabcDEF", "evt-parent", new.event_id)
    assert read.recorded_at.tzinfo is not None


@pytest.mark.parametrize(
    ("expected", "current_events", "ok"),
    [
        (NO_STREAM, 0, True),
        (NO_STREAM, 1, False),
        (STREAM_EXISTS, 0, False),
        (STREAM_EXISTS, 2, True),
        (ANY, 0, True),
        (ANY, 3, True),
        (0, 0, True),
        (2, 2, True),
        (1, 2, False),
        (3, 2, False),
    ],
)
async def test_expected_version_sentinels(store: EventStore, expected: object, current_events: int, ok: bool) -> None:
    if current_events:
        await store.append("s", [event(i) for i in range(current_events)])
    if ok:
        recorded = await store.append("s", [event(99)], expected)  # type: ignore[arg-type]
        assert recorded[0].stream_version == current_events + 1
    else:
        with pytest.raises(WrongExpectedVersion) as caught:
            await store.append("s", [event(99)], expected)  # type: ignore[arg-type]
        assert caught.value.actual == current_events
        assert await store.stream_version("s") == current_events
        assert await store.head() == current_events


async def test_a_failed_append_does_not_disturb_its_batch_neighbours(store: EventStore) -> None:
    await store.append("taken", [event(0)])
    results = await asyncio.gather(
        store.append("fresh-1", [event(1)], NO_STREAM),
        store.append("taken", [event(2)], NO_STREAM),
        store.append("fresh-2", [event(3)], NO_STREAM),
        return_exceptions=True,
    )
    assert isinstance(results[1], WrongExpectedVersion)
    assert not isinstance(results[0], BaseException)
    assert not isinstance(results[2], BaseException)
    assert [e.position for e in await store.read_all()] == [1, 2, 3]


async def test_two_appends_with_the_same_expected_version_exactly_one_wins(store: EventStore) -> None:
    await store.append("contested", [event(0)])
    for round_number in range(10):
        version = 1 + round_number
        results = await asyncio.gather(
            *(store.append("contested", [event(round_number)], version) for _ in range(5)), return_exceptions=True
        )
        winners = [r for r in results if not isinstance(r, BaseException)]
        losers = [r for r in results if isinstance(r, WrongExpectedVersion)]
        assert len(winners) == 1
        assert len(losers) == 4
    assert await store.stream_version("contested") == 11


async def test_append_many_is_one_transaction_with_independent_outcomes(store: EventStore) -> None:
    await store.append("b", [event(0)])
    outcomes = await store.append_many(
        [Append("a", [event(1)], NO_STREAM), Append("b", [event(2)], NO_STREAM), Append("a", [event(3)], 1)]
    )
    assert isinstance(outcomes[1], WrongExpectedVersion)
    assert [e.stream_version for e in outcomes[0]] == [1]  # type: ignore[union-attr]
    assert [e.stream_version for e in outcomes[2]] == [2]  # type: ignore[union-attr]
    assert [(e.stream_id, e.position) for e in await store.read_all()] == [("b", 1), ("a", 2), ("a", 3)]


async def test_empty_append_only_checks_the_version(store: EventStore) -> None:
    assert await store.append("nothing", [], NO_STREAM) == []
    with pytest.raises(WrongExpectedVersion):
        await store.append("nothing", [], STREAM_EXISTS)
    assert await store.head() == 0


async def test_read_all_filters_by_tenant_and_type_and_pages(store: EventStore) -> None:
    for n in range(10):
        await store.append(
            f"s{n}", [event(n, tenant="a" if n % 2 else "b", type="test.odd" if n % 3 else "test.third")]
        )
    assert [e.position for e in await store.read_all(0, 3)] == [1, 2, 3]
    assert [e.position for e in await store.read_all(8, 100)] == [9, 10]
    assert [e.position for e in await store.read_all(tenant_id="a")] == [2, 4, 6, 8, 10]
    assert [e.position for e in await store.read_all(types=["test.third"])] == [1, 4, 7, 10]
    assert [e.position for e in await store.read_all(3, 2, tenant_id="a", types=["test.odd"])] == [6, 8]
    assert await store.read_all(types=[]) == []
    assert [e.stream_version for e in await store.read_stream("s1", from_version=2)] == []


async def test_read_stream_from_a_version_with_a_limit(store: EventStore) -> None:
    await store.append("long", [event(n) for n in range(10)])
    assert [e.stream_version for e in await store.read_stream("long", 4, limit=3)] == [4, 5, 6]
    assert await store.read_stream("missing") == []


async def test_subscribers_started_before_during_and_after_writes_see_every_event_once_in_order(
    store: EventStore,
) -> None:
    total = 300

    async def follow(after: int = 0) -> list[int]:
        seen: list[int] = []
        async for recorded in store.subscribe(after, batch_size=7):
            seen.append(recorded.position)
            if recorded.position == total:
                return seen
        return seen

    before = asyncio.create_task(follow())
    await asyncio.sleep(0.05)

    async def write(start: int, count: int) -> None:
        await asyncio.gather(*(store.append(f"sub-{n}", [event(n)]) for n in range(start, start + count)))

    await write(0, 100)
    during = asyncio.create_task(follow())
    from_middle = asyncio.create_task(follow(50))
    await write(100, 100)
    await write(200, 100)
    after = asyncio.create_task(follow())
    results = await asyncio.wait_for(asyncio.gather(before, during, from_middle, after), 30)
    expected = list(range(1, total + 1))
    assert results[0] == results[1] == results[3] == expected
    assert results[2] == expected[50:]


async def test_subscribe_filters_by_tenant(store: EventStore) -> None:
    for n in range(20):
        await store.append(f"t{n}", [event(n, tenant="mine" if n % 4 == 0 else "other")])
    seen = []
    async for recorded in store.subscribe(tenant_id="mine"):
        seen.append(msgspec.json.decode(recorded.data)["n"])
        if len(seen) == 5:
            break
    assert seen == [0, 4, 8, 12, 16]


async def test_closing_ends_subscriptions_and_refuses_appends(store_url: str) -> None:
    store = await open_store(store_url, poll_interval_ms=50)
    await store.append("x", [event(1)])
    received: list[int] = []

    async def follow() -> None:
        async for recorded in store.subscribe():
            received.append(recorded.position)

    task = asyncio.create_task(follow())
    await asyncio.sleep(0.1)
    await store.close()
    await asyncio.wait_for(task, 5)
    assert received == [1]
    with pytest.raises(StoreClosed):
        await store.append("x", [event(2)])
    with pytest.raises(StoreClosed):
        await store.read_all()


async def test_close_commits_what_is_queued(store_url: str) -> None:
    store = await open_store(store_url)
    appends = [asyncio.create_task(store.append(f"q{n}", [event(n)])) for n in range(200)]
    await asyncio.sleep(0)  # let the appends queue up
    await store.close()
    results = await asyncio.gather(*appends, return_exceptions=True)
    acknowledged = [r for r in results if not isinstance(r, BaseException)]
    reopened = await open_store(store_url)
    try:
        assert await reopened.head() == len(acknowledged) == 200
    finally:
        await reopened.close()


async def test_events_survive_reopening(store_url: str) -> None:
    store = await open_store(store_url)
    await store.append("durable", [event(1), event(2)])
    await store.close()
    reopened = await open_store(store_url)
    try:
        assert [e.stream_version for e in await reopened.read_stream("durable")] == [1, 2]
        recorded = await reopened.append("durable", [event(3)], 2)
        assert recorded[0].position == 3
    finally:
        await reopened.close()


async def test_without_group_commit_the_contract_holds(store_url: str) -> None:
    store = await open_store(store_url, group_commit=False)
    try:
        results = await asyncio.gather(
            *(store.append("solo", [event(n)], NO_STREAM) for n in range(5)), return_exceptions=True
        )
        assert sum(not isinstance(r, BaseException) for r in results) == 1
        await asyncio.gather(*(store.append(f"n{n}", [event(n)]) for n in range(50)))
        assert [e.position for e in await store.read_all()] == list(range(1, 52))
    finally:
        await store.close()


@pytest.mark.parametrize("bad", [-1, True, "3", 1.5])
async def test_invalid_expected_versions_are_refused(store: EventStore, bad: object) -> None:
    with pytest.raises(ValueError, match="expected_version"):
        await store.append("s", [event()], bad)  # type: ignore[arg-type]


async def test_empty_stream_id_is_refused(store: EventStore) -> None:
    with pytest.raises(ValueError, match="stream_id"):
        await store.append("", [event()])
