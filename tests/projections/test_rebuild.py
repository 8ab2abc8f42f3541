"""Every durable view, rebuilt from the events, equals the one built incrementally (both backends)."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from eventstore import EventStore, open_store, open_views
from projections.codec import twin_codec
from projections.registry import durable_projections
from projections.runner import ProjectionRunner
from tests.support.views import dump_views
from twin.events import (
    ApiKeyIssued,
    ApiKeyRevoked,
    FeedbackSubmitted,
    MessageCreated,
    OperationRecorded,
    Resource,
    TenantCreated,
    TokensCounted,
)


def _message(i: int, key: str) -> MessageCreated:
    request = msgspec.json.encode(
        {"model": "claude-sonnet-4-5", "max_tokens": 16, "messages": [{"role": "user", "content": f"hi {i}"}]}
    )
    response = msgspec.json.encode({"id": f"msg_{i}", "type": "message", "content": [{"type": "text", "text": "ok"}]})
    return MessageCreated(
        message_id=f"msg_{i}",
        api_key_id=key,
        model="claude-sonnet-4-5",
        stream=i % 2 == 0,
        api_version="2023-06-01",
        betas=["b1"] if i % 3 == 0 else [],
        path="/v1/messages",
        request=msgspec.Raw(request),
        response=msgspec.Raw(response),
        input_tokens=10 + i,
        output_tokens=i,
        stop_reason="end_turn",
    )


async def _workload(store: EventStore, rounds: int, start: int = 0) -> None:
    """Tenants, keys (some revoked), messages, token counts, reads, failures and feedback, interleaved."""
    codec = twin_codec()

    async def record(stream: str, tenant: str, correlation: str, *events: msgspec.Struct) -> None:
        await store.append(stream, [codec.new_event(e, tenant_id=tenant, correlation_id=correlation) for e in events])

    for i in range(start, start + rounds):
        tenant = f"tenant-{i % 3}"
        key = f"apikey_{i}"
        if i < 3:  # a NUL in a name (PostgreSQL text refuses it) must not wedge a view
            await record(
                f"tenant-{tenant}", tenant, f"req_t{i}", TenantCreated(tenant, f"T{i}\x00", "scrypt$x", "2026")
            )
        await record(
            f"tenant-{tenant}", tenant, f"req_k{i}", ApiKeyIssued(key, tenant, "ci", f"h{i}", "sk-…abcd", "2026")
        )
        await record(f"request-m{i}", tenant, f"req_m{i}", _message(i, key))
        await record(
            f"request-c{i}",
            tenant,
            f"req_c{i}",
            TokensCounted(
                api_key_id=key,
                model="claude-haiku-4-5",
                api_version="2023-06-01",
                betas=[],
                path="/v1/messages/count_tokens",
                request=msgspec.Raw(b"{}"),
                input_tokens=i,
            ),
        )
        await record(
            f"request-f{i}",
            "" if i % 2 else tenant,
            f"req_f{i}",
            OperationRecorded(
                plane="data",
                operation="auth.api_key.validate",
                outcome="failure",
                reason="authentication_error: invalid x-api-key",
                details={"status": 401},
            ),
        )
        await record(
            f"request-r{i}",
            tenant,
            f"req_r{i}",
            OperationRecorded(plane="twin", operation="twin.message.list", outcome="success", details={"count": i}),
        )
        if i % 2:
            await record(
                f"tenant-{tenant}",
                tenant,
                f"req_v{i}",
                ApiKeyRevoked(key, tenant, "2026", "admin" if i % 4 == 1 else "tenant"),
            )
        if i % 3 == 0:
            await record(
                f"request-b{i}",
                tenant,
                f"req_b{i}",
                FeedbackSubmitted(f"fb_{i}", f"feedback\x00 {i}", "bug", {"i": i, "nul": "\x00"}),
                OperationRecorded(
                    plane="twin",
                    operation="twin.feedback.get",
                    outcome="success",
                    resource=Resource("feedback", f"fb_{i}"),
                ),
            )


@pytest.mark.parametrize("batch_size", [1, 7, 1000])
async def test_rebuilt_views_equal_incremental_ones(store: EventStore, store_url: str, batch_size: int) -> None:
    views = await open_views(store_url)
    try:
        runner = ProjectionRunner(store, views, durable_projections(), twin_codec(), batch_size=batch_size)
        await runner.setup()
        for chunk in range(4):  # catch up after each chunk: the incremental path
            await _workload(store, 5, start=chunk * 5)
            await runner.catch_up()
        incremental = await dump_views(views)
        assert len(incremental["v_messages"]) == 20
        assert len(incremental["v_logs"]) > 100
        assert len(incremental["v_feedback"]) == 7
        assert {row[1] for row in incremental["checkpoints"]} == {await store.head()}

        await runner.rebuild()
        assert await dump_views(views) == incremental

        fresh = ProjectionRunner(store, views, durable_projections(), twin_codec())
        await fresh.rebuild(["logs"])
        assert await dump_views(views) == incremental
    finally:
        await views.close()


async def test_setup_keeps_views_and_a_version_bump_rebuilds(store: EventStore, store_url: str) -> None:
    views = await open_views(store_url)
    try:
        runner = ProjectionRunner(store, views, durable_projections(), twin_codec())
        await runner.setup()
        await _workload(store, 4)
        await runner.catch_up()
        before = await dump_views(views)
        again = ProjectionRunner(store, views, durable_projections(), twin_codec())
        await again.setup()
        assert await dump_views(views) == before  # same versions: nothing dropped

        class Bumped(type(durable_projections()[2])):  # type: ignore[misc]
            version = 99

        bumped = ProjectionRunner(store, views, [Bumped()], twin_codec())
        await bumped.setup()
        assert await views.fetch("SELECT COUNT(*) FROM v_messages") == [(0,)]
        await bumped.catch_up()
        assert await views.fetch("SELECT * FROM v_messages ORDER BY 1") == before["v_messages"]
    finally:
        await views.close()


async def test_views_beside_a_replaced_store_are_rebuilt_from_it(
    store: EventStore, store_url: str, tmp_path: Path
) -> None:
    """A store deleted and started afresh (or swapped) must never be served the old views."""
    views = await open_views(store_url)
    other_url = f"sqlite:///{tmp_path / 'replacement.db'}"
    replacement = await open_store(other_url)
    try:
        runner = ProjectionRunner(store, views, durable_projections(), twin_codec())
        await runner.setup()
        await _workload(store, 6)
        await runner.catch_up()
        assert len(await views.fetch("SELECT * FROM v_messages")) == 6

        await _workload(replacement, 2)
        swapped = ProjectionRunner(replacement, views, durable_projections(), twin_codec())
        await swapped.setup()
        await swapped.catch_up()
        assert len(await views.fetch("SELECT * FROM v_messages")) == 2
        checkpoints = await views.fetch("SELECT position FROM view_checkpoints")
        assert {row[0] for row in checkpoints} == {await replacement.head()}
    finally:
        await replacement.close()
        await views.close()
