"""The `twin` command: serve the twin, rebuild its views, export and import event history.

    twin serve [--host H] [--port P] [--workers N] [--store URL] [--hosted] [--admin-token T] ...
    twin rebuild [--view NAME] [--store URL]
    twin export [--tenant ID] [--out FILE] [--store URL]
    twin import FILE [--store URL]
    twin project [--store URL]          (what serve runs beside its workers: the durable views)

Every option of `serve` is also an environment variable (see twin.config).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

import msgspec

from .config import Settings

if TYPE_CHECKING:
    from granian.server.common import AbstractServer


def _add_store(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", help="event store URL (env TWIN_STORE; default sqlite:///twin.db)")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="twin", description="A digital twin of the Anthropic API.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the twin with Granian")
    serve.add_argument("--host", help="bind address (env TWIN_HOST; default 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (env TWIN_PORT; default 8080)")
    serve.add_argument("--workers", type=int, help="worker processes (env TWIN_WORKERS; default 1)")
    _add_store(serve)
    serve.add_argument("--hosted", action="store_const", const=True, help="hosted mode: no implicit default tenant")
    serve.add_argument("--admin-token", help="operator admin token (env TWIN_ADMIN_TOKEN; empty = admin off)")
    serve.add_argument("--public-url", help="base URL clients use to reach the twin (env TWIN_PUBLIC_URL)")
    serve.add_argument("--backlog", type=int, help="listen backlog (env TWIN_BACKLOG; default 2048)")
    serve.add_argument("--log-level", choices=["debug", "info", "warning", "error"], help="env TWIN_LOG_LEVEL")
    serve.add_argument(
        "--projector",
        choices=["auto", "process", "worker"],
        help="who applies the durable views: a process beside the workers (auto) or a worker (env TWIN_PROJECTOR)",
    )

    project = commands.add_parser("project", help="apply the durable views in the background (serve runs it)")
    _add_store(project)

    rebuild = commands.add_parser("rebuild", help="throw views away and rebuild them from the events")
    rebuild.add_argument("--view", action="append", help="a view to rebuild (repeatable; default all)")
    _add_store(rebuild)

    export = commands.add_parser("export", help="write events as JSON Lines")
    export.add_argument("--tenant", help="only this tenant's events")
    export.add_argument("--out", help="output file (default stdout)")
    _add_store(export)

    importer = commands.add_parser("import", help="read events from JSON Lines")
    importer.add_argument("file", help="a file written by `twin export` ('-' for stdin)")
    _add_store(importer)
    return parser


def port_taken(host: str, port: int) -> bool:
    """Whether something already listens on host:port.

    Granian binds with SO_REUSEPORT, so a second server on a taken port would start and silently
    take part of the traffic; probing with a plain bind (no SO_REUSEPORT) finds the first one.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def granian_server(
    factory: str, *, host: str, port: int, workers: int, backlog: int, log_level: str = "info"
) -> AbstractServer:
    """Granian as the twin runs on it (and the benchmarks' reference app, to compare like with like):
    ASGI, HTTP/1, uvloop (asyncio is 25-33% slower), no websockets, an app factory per worker."""
    from granian import Granian
    from granian.constants import HTTPModes, Interfaces, Loops
    from granian.log import LogLevels

    return Granian(
        factory,
        factory=True,
        interface=Interfaces.ASGI,
        address=host,
        port=port,
        workers=workers,
        loop=Loops.uvloop,
        http=HTTPModes.http1,
        websockets=False,
        backlog=backlog,
        log_level=LogLevels(log_level),
    )


def serve(settings: Settings) -> None:
    if settings.projector == "auto":
        settings = msgspec.structs.replace(settings, projector="process")
    os.environ.update(settings.to_env())  # the workers (and the projector) build from these
    server = granian_server(
        "twin.app:create_app",
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        backlog=settings.backlog,
        log_level=settings.log_level,
    )
    projector = subprocess.Popen([sys.executable, "-m", "twin", "project"]) if settings.projector == "process" else None
    try:
        server.serve()
    finally:
        if projector is not None:
            projector.terminate()
            try:
                projector.wait(10)
            except subprocess.TimeoutExpired:
                projector.kill()


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    overrides = {
        key: value for key, value in vars(args).items() if key not in ("command", "view", "tenant", "out", "file")
    }
    try:
        settings = Settings.from_env(**overrides)
    except ValueError as exc:
        print(f"twin: {exc}", file=sys.stderr)
        return 2
    if args.command == "serve":
        if port_taken(settings.host, settings.port):
            print(
                f"twin serve: {settings.host}:{settings.port} is already in use (another twin still running?); "
                "refusing to share it, since SO_REUSEPORT would silently split the traffic between servers",
                file=sys.stderr,
            )
            return 1
        serve(settings)
        return 0
    from eventstore import StoreError

    from . import maintenance

    try:
        if args.command == "rebuild":
            return asyncio.run(maintenance.rebuild(settings, args.view))
        if args.command == "export":
            return asyncio.run(maintenance.export(settings, args.tenant, args.out))
        if args.command == "import":
            return asyncio.run(maintenance.import_(settings, args.file))
        if args.command == "project":
            return asyncio.run(maintenance.project(settings))
    except (StoreError, OSError) as exc:  # a conflicting import, an unreachable store, a missing file
        print(f"twin {args.command}: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    return 2
