"""Durable message history: every accepted POST /v1/messages, request and response, per tenant."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import msgspec

from eventstore import ViewDatabase, ViewTransaction
from twin.events import MessageCreated

from .base import Fact, Projection
from .paging import Filters, Page, Window, clean, clean_str, read_page


def _text(raw: msgspec.Raw) -> str:
    return clean_str(bytes(raw).decode("utf-8", "replace"))


class MessagesProjection(Projection):
    """`v_messages`: keyed by the position of the `message.created` event (the history cursor)."""

    name = "messages"
    version = 1
    event_types = frozenset({"message.created"})
    tables = ("v_messages",)
    columns = (
        "position",
        "message_id",
        "tenant_id",
        "correlation_id",
        "api_key_id",
        "model",
        "stream",
        "api_version",
        "betas",
        "path",
        "input_tokens",
        "output_tokens",
        "cache_read_input_tokens",
        "cache_creation_input_tokens",
        "stop_reason",
        "recorded_at_us",
        "request",
        "response",
    )

    def schema(self, dialect: str) -> list[str]:
        return [
            """
            CREATE TABLE v_messages (
                position                    BIGINT PRIMARY KEY,
                message_id                  TEXT NOT NULL,
                tenant_id                   TEXT NOT NULL,
                correlation_id              TEXT NOT NULL,
                api_key_id                  TEXT NOT NULL,
                model                       TEXT NOT NULL,
                stream                      INTEGER NOT NULL,
                api_version                 TEXT NOT NULL,
                betas                       TEXT NOT NULL,
                path                        TEXT NOT NULL,
                input_tokens                BIGINT NOT NULL,
                output_tokens               BIGINT NOT NULL,
                cache_read_input_tokens     BIGINT NOT NULL,
                cache_creation_input_tokens BIGINT NOT NULL,
                stop_reason                 TEXT,
                recorded_at_us              BIGINT NOT NULL,
                request                     TEXT NOT NULL,
                response                    TEXT NOT NULL
            )
            """,
            "CREATE INDEX v_messages_by_id ON v_messages (message_id)",
            "CREATE INDEX v_messages_by_tenant ON v_messages (tenant_id, position)",
        ]

    async def apply(self, tx: ViewTransaction, facts: Sequence[Fact]) -> None:
        rows: list[tuple[Any, ...]] = []
        for fact in facts:
            event = fact.event
            if not isinstance(event, MessageCreated):
                continue
            recorded = fact.recorded
            rows.append(
                (
                    recorded.position,
                    clean_str(event.message_id),
                    clean_str(recorded.tenant_id),
                    clean_str(recorded.correlation_id),
                    clean_str(event.api_key_id),
                    clean_str(event.model),
                    1 if event.stream else 0,
                    clean_str(event.api_version),
                    msgspec.json.encode(event.betas).decode(),
                    clean_str(event.path),
                    event.input_tokens,
                    event.output_tokens,
                    event.cache_read_input_tokens,
                    event.cache_creation_input_tokens,
                    clean(event.stop_reason),
                    recorded.recorded_at_us,
                    _text(event.request),
                    _text(event.response),
                )
            )
        if rows:
            placeholders = ", ".join(f"${i}" for i in range(1, len(self.columns) + 1))
            await tx.executemany(
                f"INSERT INTO v_messages ({', '.join(self.columns)}) VALUES ({placeholders})",
                rows,
            )

    async def page(
        self,
        db: ViewDatabase,
        tenant_id: str | None,
        window: Window,
        *,
        api_key_id: str | None = None,
        model: str | None = None,
    ) -> Page:
        filters = Filters()
        if tenant_id is not None:
            filters.add("tenant_id = ?", tenant_id)
        if api_key_id is not None:
            filters.add("api_key_id = ?", api_key_id)
        if model is not None:
            filters.add("model = ?", model)
        return await read_page(db, "v_messages", self.columns, "position", filters, window)

    async def get(self, db: ViewDatabase, message_id: str) -> tuple[Any, ...] | None:
        rows = await db.fetch(
            f"SELECT {', '.join(self.columns)} FROM v_messages WHERE message_id = $1 ORDER BY position LIMIT 1",
            message_id,
        )
        return rows[0] if rows else None
