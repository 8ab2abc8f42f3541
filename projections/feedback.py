"""Durable feedback: what tenants told the operator about the twin (status starts "pending")."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from eventstore import ViewDatabase, ViewTransaction
from twin.events import FeedbackSubmitted

from .base import Fact, Projection
from .paging import Filters, Page, Window, clean, clean_str, read_page


class FeedbackProjection(Projection):
    """`v_feedback`: keyed by the position of the `feedback.submitted` event."""

    name = "feedback"
    version = 1
    event_types = frozenset({"feedback.submitted"})
    tables = ("v_feedback",)
    columns = (
        "position",
        "feedback_id",
        "tenant_id",
        "correlation_id",
        "body",
        "category",
        "context",
        "status",
        "recorded_at_us",
    )

    def schema(self, dialect: str) -> list[str]:
        return [
            """
            CREATE TABLE v_feedback (
                position       BIGINT PRIMARY KEY,
                feedback_id    TEXT NOT NULL,
                tenant_id      TEXT NOT NULL,
                correlation_id TEXT NOT NULL,
                body           TEXT NOT NULL,
                category       TEXT,
                context        TEXT,
                status         TEXT NOT NULL,
                recorded_at_us BIGINT NOT NULL
            )
            """,
            "CREATE INDEX v_feedback_by_id ON v_feedback (feedback_id)",
            "CREATE INDEX v_feedback_by_tenant ON v_feedback (tenant_id, position)",
        ]

    async def apply(self, tx: ViewTransaction, facts: Sequence[Fact]) -> None:
        rows: list[tuple[Any, ...]] = []
        for fact in facts:
            event = fact.event
            if not isinstance(event, FeedbackSubmitted):
                continue
            rows.append(
                (
                    fact.recorded.position,
                    clean_str(event.feedback_id),
                    clean_str(fact.recorded.tenant_id),
                    clean_str(fact.recorded.correlation_id),
                    clean_str(event.body),
                    clean(event.category),
                    None if event.context is None else msgspec.json.encode(event.context).decode(),
                    "pending",
                    fact.recorded.recorded_at_us,
                )
            )
        if rows:
            placeholders = ", ".join(f"${i}" for i in range(1, len(self.columns) + 1))
            await tx.executemany(f"INSERT INTO v_feedback ({', '.join(self.columns)}) VALUES ({placeholders})", rows)

    async def page(self, db: ViewDatabase, tenant_id: str | None, window: Window) -> Page:
        filters = Filters()
        if tenant_id is not None:
            filters.add("tenant_id = ?", tenant_id)
        return await read_page(db, "v_feedback", self.columns, "position", filters, window)
