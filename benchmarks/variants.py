"""The servers a benchmark compares: the raw reference and the twin on SQLite/PostgreSQL, 1 or 2 workers.

Each twin gets a fresh store (a new SQLite file; a new PostgreSQL schema through the store URL's
`?schema=` option, dropped afterwards) and one API key minted for it: through the twin plane
(`POST /_twin/tenants`, then `POST /_twin/accounts` with the tenant's Basic auth), or, on a twin
whose plane cannot mint keys yet, by recording `api_key.issued` for the local `default` tenant
in its store (the server reads keys through on a miss).
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx

from .machine import postgres_server_version
from .procs import Server, free_port, start_server

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
REFERENCE = "raw"


@dataclass(frozen=True)
class Variant:
    name: str
    kind: str  # "raw", "sqlite" or "postgres"
    workers: int


ALL_VARIANTS = {
    "raw": Variant("raw", "raw", 1),
    "sqlite-w1": Variant("sqlite-w1", "sqlite", 1),
    "sqlite-w2": Variant("sqlite-w2", "sqlite", 2),
    "pg-w1": Variant("pg-w1", "postgres", 1),
    "pg-w2": Variant("pg-w2", "postgres", 2),
}


def parse_variants(text: str) -> list[Variant]:
    names = [name.strip() for name in text.split(",") if name.strip()]
    unknown = [name for name in names if name not in ALL_VARIANTS]
    if unknown:
        raise SystemExit(f"unknown variant(s) {unknown}; known: {', '.join(ALL_VARIANTS)}")
    return [ALL_VARIANTS[name] for name in names]


def postgres_version(dsn: str) -> str | None:
    return asyncio.run(postgres_server_version(dsn))


def _drop_schema(dsn: str, schema: str) -> None:
    async def drop() -> None:
        connection = await asyncpg.connect(dsn, timeout=5)
        try:
            await connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        finally:
            await connection.close()

    with contextlib.suppress(Exception):
        asyncio.run(drop())


@contextlib.contextmanager
def store_for(variant: Variant, scratch: Path, postgres_dsn: str) -> Iterator[str]:
    """A fresh store URL for a twin variant; a PostgreSQL schema is dropped afterwards."""
    if variant.kind == "sqlite":
        yield f"sqlite:///{scratch / (variant.name + '.db')}"
        return
    schema = f"bench_{variant.name.replace('-', '_')}_{uuid.uuid4().hex[:8]}"
    _drop_schema(postgres_dsn, schema)
    try:
        yield f"{postgres_dsn}{'&' if '?' in postgres_dsn else '?'}schema={schema}"
    finally:
        _drop_schema(postgres_dsn, schema)


def start_reference(log_dir: Path, answers_dir: Path | None, workers: int = 1, name: str = REFERENCE) -> Server:
    port = free_port()
    argv = [sys.executable, "-m", "benchmarks.refapp", "--port", str(port), "--workers", str(workers)]
    if answers_dir is not None:
        argv += ["--answers", str(answers_dir)]
    server = start_server(name, argv, port=port, env={}, log_dir=log_dir, workers=workers, cwd=ROOT)
    server.info["kind"] = "raw"
    return server


def start_twin(variant: Variant, store_url: str, log_dir: Path, extra_env: dict[str, str] | None = None) -> Server:
    """Start a twin; a start that fails is retried once (two workers setting up a fresh
    PostgreSQL schema at the same moment can race on CREATE TABLE IF NOT EXISTS)."""
    for attempt in (1, 2):
        try:
            return _start_twin(variant, store_url, log_dir, extra_env)
        except RuntimeError as exc:
            if attempt == 2:
                raise
            first_line = str(exc).splitlines()[0]
            print(f"  {variant.name} failed to start ({first_line}); retrying once", flush=True)
    raise AssertionError("unreachable")


def _start_twin(variant: Variant, store_url: str, log_dir: Path, extra_env: dict[str, str] | None) -> Server:
    port = free_port()
    env = {
        "TWIN_HOST": "127.0.0.1",
        "TWIN_PORT": str(port),
        "TWIN_WORKERS": str(variant.workers),
        "TWIN_STORE": store_url,
        "TWIN_HOSTED": "0",
        "TWIN_BACKLOG": "4096",
        "TWIN_LOG_LEVEL": "info",
        **(extra_env or {}),
    }
    server = start_server(
        variant.name, [sys.executable, "-m", "twin", "serve"], port=port, env=env, log_dir=log_dir,
        workers=variant.workers, cwd=ROOT,
    )  # fmt: skip
    server.info.update(kind=variant.kind, store=store_url.split("?")[0])
    return server


def mint_key(server: Server, store_url: str) -> tuple[str, str]:
    """(api key, how it was minted). Through the twin plane when it can; else recorded in the store."""
    base = server.base_url
    try:
        created = httpx.post(f"{base}/_twin/tenants", json={"friendly_name": "benchmark"}, timeout=30)
        if created.status_code in (200, 201):
            tenant = created.json()
            auth = (tenant["tenant_id"], tenant["tenant_secret"])
            minted = httpx.post(f"{base}/_twin/accounts", json={"kind": "api_key"}, auth=auth, timeout=30)
            if minted.status_code in (200, 201):
                return str(minted.json()["api_key"]), "twin plane (tenant + account)"
    except (httpx.HTTPError, KeyError, ValueError):
        pass
    return asyncio.run(_record_key(store_url)), "recorded in the store (default tenant; plane cannot mint yet)"


async def _record_key(store_url: str) -> str:
    from eventstore import ANY, open_store
    from projections.codec import twin_codec
    from twin.clock import now_rfc3339
    from twin.events import ApiKeyIssued
    from twin.security import hash_api_key, mask_key, new_api_key

    key = new_api_key()
    event = ApiKeyIssued(
        api_key_id=f"apikey_{uuid.uuid4().hex[:24]}",
        tenant_id="default",
        friendly_name="benchmark",
        key_hash=hash_api_key(key),
        key_hint=mask_key(key),
        created_at=now_rfc3339(),
    )
    store = await open_store(store_url)
    try:
        codec = twin_codec()
        await store.append("tenant-default", [codec.new_event(event, tenant_id="default")], ANY)
    finally:
        await store.close()
    return key


def preflight(server: Server, key: str, path: str, body: bytes, stream: bool) -> dict[str, Any]:
    """One request by hand: does this server answer this workload correctly (so wrk measures answers)?"""
    headers = {"x-api-key": key, "anthropic-version": "2023-06-01", "content-type": "application/json"}
    try:
        response = httpx.post(server.base_url + path, content=body, headers=headers, timeout=30)
    except httpx.HTTPError as exc:
        return {"ok": False, "status": None, "problem": repr(exc)}
    content_type = response.headers.get("content-type", "")
    ok = response.status_code == 200
    problem = None
    if not ok:
        problem = f"HTTP {response.status_code}: {response.text[:200]}"
    elif stream and (
        not content_type.startswith("text/event-stream") or b"event: message_stop" not in response.content
    ):
        ok, problem = False, "not a complete SSE stream"
    elif not stream and not content_type.startswith("application/json"):
        ok, problem = False, f"content-type {content_type}"
    return {
        "ok": ok,
        "status": response.status_code,
        "problem": problem,
        "bytes": len(response.content),
        "body": response.content,
    }
