"""Open a store from one URL.

    sqlite:///twin.db                 a file relative to the working directory
    sqlite:////var/lib/twin/twin.db   an absolute path (four slashes, as in SQLAlchemy)
    postgresql://user@host:5432/db    PostgreSQL; `?schema=name` picks the schema (default public)

Store options may be given as keyword arguments or in the query string:
`group_commit` (1/0), `max_batch`, `linger_ms`, `poll_interval_ms`; SQLite also `synchronous`
(FULL/NORMAL) and `readers`; PostgreSQL also `pool_size`.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .contract import EventStore
from .errors import InvalidStoreURL

_COMMON = {"group_commit", "max_batch", "linger_ms", "poll_interval_ms"}
_SQLITE = _COMMON | {"synchronous", "readers"}
_POSTGRES = _COMMON | {"pool_size"}


def _option(key: str, value: str) -> tuple[str, Any]:
    try:
        if key == "group_commit":
            if value.lower() not in ("0", "1", "true", "false", "yes", "no", "on", "off"):
                raise ValueError(value)
            return key, value.lower() in ("1", "true", "yes", "on")
        if key == "linger_ms":
            return "linger_s", float(value) / 1000
        if key == "poll_interval_ms":
            return "poll_interval_s", float(value) / 1000
        if key == "synchronous":
            if value.upper() not in ("FULL", "NORMAL", "EXTRA"):
                raise ValueError(value)
            return key, value.upper()
        return key, int(value)
    except ValueError:
        raise InvalidStoreURL(f"bad value for store option {key}: {value!r}") from None


def sqlite_path(url: str) -> str:
    """The file path of a sqlite:// URL without its query (or of a plain path)."""
    if "://" not in url:
        return url
    rest = url.split("://", 1)[1].split("?", 1)[0]
    if not rest.startswith("/"):
        raise InvalidStoreURL("sqlite URLs have no host: use sqlite:///relative.db or sqlite:////absolute.db")
    path = rest[1:]
    if not path:
        raise InvalidStoreURL("sqlite URL without a file path")
    return path


def split_options(url: str, allowed: set[str]) -> tuple[str, dict[str, Any]]:
    parts = urlsplit(url)
    options: dict[str, Any] = {}
    kept = []
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key in allowed:
            name, parsed = _option(key, value)
            options[name] = parsed
        elif key in _SQLITE | _POSTGRES:
            raise InvalidStoreURL(f"store option {key} does not apply to {parts.scheme}")
        else:
            kept.append((key, value))
    return urlunsplit(parts._replace(query=urlencode(kept))), options


def _keyword_options(options: dict[str, Any], allowed: set[str]) -> dict[str, Any]:
    parsed: dict[str, Any] = {}
    for key, value in options.items():
        if key not in allowed:
            raise InvalidStoreURL(f"unknown store option {key!r}")
        name, converted = _option(key, str(int(value)) if isinstance(value, bool) else str(value))
        parsed[name] = converted
    return parsed


async def open_store(url: str, **options: Any) -> EventStore:
    """Open (creating or migrating the schema if needed) the store that `url` names.

    Keyword options use the same names as the query-string options and win over them."""
    scheme = urlsplit(url).scheme if "://" in url else "sqlite"
    if scheme == "sqlite":
        from .sqlite import SQLiteEventStore

        path = sqlite_path(url)
        rest, url_options = split_options(url, _SQLITE) if "://" in url else (url, {})
        if urlsplit(rest).query:
            raise InvalidStoreURL(f"unknown sqlite store options in {url!r}")
        return await SQLiteEventStore.open(path, **{**url_options, **_keyword_options(options, _SQLITE)})
    if scheme in ("postgres", "postgresql"):
        from .postgres import PostgresEventStore

        base, url_options = split_options(url, _POSTGRES)
        return await PostgresEventStore.open(base, **{**url_options, **_keyword_options(options, _POSTGRES)})
    raise InvalidStoreURL(f"unsupported store URL scheme {scheme!r}: use sqlite:// or postgresql://")


def redact_url(url: str) -> str:
    """The URL without its password, for logs and /_twin/settings."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit(parts._replace(netloc=netloc))
    return url
