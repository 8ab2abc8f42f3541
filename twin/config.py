"""Deployment settings: one name per option, the same as a CLI flag and an environment variable.

    --host / TWIN_HOST            127.0.0.1       address to bind (loopback unless asked)
    --port / TWIN_PORT            8080
    --workers / TWIN_WORKERS      1               Granian worker processes (use PostgreSQL for >1)
    --store / TWIN_STORE          sqlite:///twin.db   event store URL (see eventstore.factory)
    --hosted / TWIN_HOSTED        0               1: a hosted deployment (no implicit `default` tenant)
    --admin-token / TWIN_ADMIN_TOKEN  ""          operator admin token; empty disables admin access
    --public-url / TWIN_PUBLIC_URL    ""          base URL clients reach the twin at (default http://host:port)
    --backlog / TWIN_BACKLOG      2048            listen backlog; keep it above the client connection count
    --log-level / TWIN_LOG_LEVEL  info
    --projector / TWIN_PROJECTOR  auto            who applies the durable views in the background:
                                                  `process` (one process beside the workers; what
                                                  `twin serve` picks for `auto`) or `worker` (a
                                                  serving worker; what an app built directly picks)

Settings are read when the app is created (never at import time), so each Granian worker reads
what `twin serve` resolved and exported.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Literal

import msgspec

ENV_PREFIX = "TWIN_"


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = 1
    store: str = "sqlite:///twin.db"
    hosted: bool = False
    admin_token: str = ""
    public_url: str = ""
    backlog: int = 2048
    log_level: str = "info"
    projector: Literal["auto", "process", "worker"] = "auto"

    @property
    def base_url(self) -> str:
        if self.public_url:
            return self.public_url.rstrip("/")
        host = "127.0.0.1" if self.host in ("0.0.0.0", "::", "") else self.host
        return f"http://{host}:{self.port}"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then TWIN_* variables, then explicit overrides (e.g. CLI flags; None = not given)."""
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for field in msgspec.structs.fields(cls):
            raw = env.get(ENV_PREFIX + field.name.upper())
            if raw is not None and raw != "":
                values[field.name] = raw
        values.update({name: value for name, value in overrides.items() if value is not None})
        try:
            return msgspec.convert(values, cls, strict=False)
        except msgspec.ValidationError as exc:
            raise ValueError(f"invalid twin setting: {exc}") from exc

    def to_env(self) -> dict[str, str]:
        """The settings as TWIN_* variables, for worker processes."""
        env = {}
        for field in msgspec.structs.fields(self):
            value = getattr(self, field.name)
            env[ENV_PREFIX + field.name.upper()] = ("1" if value else "0") if isinstance(value, bool) else str(value)
        return env

    def public(self) -> dict[str, Any]:
        """Non-secret settings, for /_twin/settings and logs."""
        from eventstore import redact_url

        return {
            "host": self.host,
            "port": self.port,
            "workers": self.workers,
            "store": redact_url(self.store),
            "hosted": self.hosted,
            "admin_enabled": bool(self.admin_token),
            "base_url": self.base_url,
        }
