"""Every durable view's rows, for comparing a rebuilt view with an incrementally built one."""

from __future__ import annotations

from typing import Any

from eventstore import ViewDatabase
from projections.registry import durable_projections


async def dump_views(views: ViewDatabase) -> dict[str, list[tuple[Any, ...]]]:
    dump: dict[str, list[tuple[Any, ...]]] = {}
    for projection in durable_projections():
        for table in projection.tables:
            dump[table] = await views.fetch(f"SELECT * FROM {table} ORDER BY 1")
    dump["checkpoints"] = await views.fetch("SELECT name, position, version FROM view_checkpoints ORDER BY name")
    return dump
