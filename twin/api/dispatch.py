"""The outer ASGI callable: the provider surface served raw, everything else by Litestar.

Litestar's request/response machinery costs ~100 µs per request (see ../shared/bench); the
provider routes (``/v1/...``: POST /v1/messages, POST /v1/messages/count_tokens, GET
/v1/models[/{id}], and the JSON 404/405 of every other ``/v1`` path) skip it and run raw
handlers (twin/api/provider) that do one auth lookup, one decode, the domain decision, one
group-committed append and one encode. Lifespan and every other route go to Litestar.

Paths listed in `LITESTAR_V1_PREFIXES` are ``/v1`` routes served by Litestar controllers
(slower, colder endpoints added by other modules); they bypass the provider router.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .asgi import Receive, Scope, Send
from .provider import ProviderRouter

if TYPE_CHECKING:
    from litestar import Litestar

    from ..config import Settings
    from ..runtime import Runtime

#: ``/v1`` path prefixes served by Litestar route handlers rather than the raw provider router.
LITESTAR_V1_PREFIXES: tuple[str, ...] = ()


class TwinApp:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.litestar: Litestar | None = None
        self._runtime: Runtime | None = None
        self.provider: ProviderRouter | None = None

    @property
    def runtime(self) -> Runtime | None:
        return self._runtime

    @runtime.setter
    def runtime(self, runtime: Runtime | None) -> None:
        self._runtime = runtime
        self.provider = ProviderRouter(runtime) if runtime is not None else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        provider = self.provider
        if (
            provider is not None
            and scope["type"] == "http"
            and (scope["path"].startswith("/v1/") or scope["path"] == "/v1")
            and not (LITESTAR_V1_PREFIXES and scope["path"].startswith(LITESTAR_V1_PREFIXES))
        ):
            await provider(scope, receive, send)
            return
        assert self.litestar is not None, "create_app() wires the Litestar app"
        await self.litestar(scope, receive, send)  # type: ignore[arg-type]
