"""What a projection is.

A projection folds events, in global position order, into a view. Two kinds:

* `Projection`: a durable view, i.e. tables in the view database. It is applied in batches,
  and each batch updates the tables and the projection's checkpoint in one transaction, so a
  crash never leaves a view ahead of or behind its checkpoint. Bumping `version` makes the
  runner drop and rebuild the view from the events.
* `MemoryView`: a view held in each worker's memory (keys, tenants, settings): small, needed
  on every request, kept current by following the store.

Both must be pure functions of the events: rebuilding from scratch gives exactly the view that
was built incrementally.
"""

from __future__ import annotations

import abc
from collections.abc import Sequence
from typing import Any, ClassVar, NamedTuple

from eventstore import RecordedEvent, ViewTransaction


class Fact(NamedTuple):
    """A recorded event with its decoded body."""

    recorded: RecordedEvent
    event: Any


class Projection(abc.ABC):
    name: ClassVar[str]
    version: ClassVar[int] = 1
    event_types: ClassVar[frozenset[str]]
    tables: ClassVar[tuple[str, ...]]

    @abc.abstractmethod
    def schema(self, dialect: str) -> list[str]:
        """CREATE statements for the view's tables and indexes."""

    @abc.abstractmethod
    async def apply(self, tx: ViewTransaction, facts: Sequence[Fact]) -> None:
        """Fold a batch of events (only of `event_types`, in position order) into the tables."""


class MemoryView(abc.ABC):
    event_types: ClassVar[frozenset[str]]

    @abc.abstractmethod
    def apply(self, fact: Fact) -> None:
        """Fold one event (of `event_types`, in position order) into the in-memory state."""
