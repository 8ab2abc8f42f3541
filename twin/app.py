"""The ASGI application factory (`twin.app:create_app`, what Granian serves).

The app is Litestar (lifespan, twin plane, everything that is not hot) behind a small raw-ASGI
dispatcher that serves the hot provider routes itself (see twin/api/dispatch.py). Nothing is
created at import time: each worker builds its app, and its lifespan starts the Runtime.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar

from .api.dispatch import TwinApp
from .api.plane import (
    accounts,
    clock,
    events,
    faults,
    feedback,
    history,
    info,
    logs,
    tenant_settings,
    tenants,
    views,
)
from .api.plane.auth import PlaneAuth
from .api.plane.errors import EXCEPTION_HANDLERS
from .config import Settings
from .runtime import Runtime


def create_app(settings: Settings | None = None) -> TwinApp:
    resolved = settings or Settings.from_env()
    app = TwinApp(resolved)

    @asynccontextmanager
    async def lifespan(litestar: Litestar) -> AsyncIterator[None]:
        runtime = await Runtime.start(resolved)
        litestar.state.runtime = runtime
        litestar.state.plane_auth = PlaneAuth(runtime)
        app.runtime = runtime
        try:
            yield
        finally:
            app.runtime = None
            await runtime.stop()

    app.litestar = Litestar(
        route_handlers=[
            *info.ROUTES,
            *tenants.ROUTES,
            *accounts.ROUTES,
            *history.ROUTES,
            *logs.ROUTES,
            *feedback.ROUTES,
            *events.ROUTES,
            *views.ROUTES,
            *faults.ROUTES,
            *clock.ROUTES,
            *tenant_settings.ROUTES,
        ],
        exception_handlers=EXCEPTION_HANDLERS,
        request_max_body_size=None,
        lifespan=[lifespan],
        openapi_config=None,
        debug=False,
    )
    return app
