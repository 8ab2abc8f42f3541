"""The codec (type names, upcasting) and opening stores from URLs."""

from __future__ import annotations

from pathlib import Path

import msgspec
import pytest

from eventstore import Codec, CodecError, InvalidStoreURL, NewEvent, UnknownEventType, open_store
from eventstore.factory import redact_url, sqlite_path


class TenantCreatedV1(msgspec.Struct, frozen=True, tag="tenant.created"):
    tenant_id: str
    name: str


class TenantCreated(msgspec.Struct, frozen=True, tag="tenant.created"):
    tenant_id: str
    friendly_name: str
    plan: str = "free"


async def test_old_events_are_upcast_on_read(store_url: str) -> None:
    old = Codec()
    old.register(TenantCreatedV1)
    store = await open_store(store_url)
    try:
        await store.append("tenant-1", [old.new_event(TenantCreatedV1("t1", "Acme"), tenant_id="t1")])
        codec = Codec()
        codec.register(TenantCreated, schema_version=2)

        @codec.upcaster("tenant.created", from_version=1)
        def rename(data: dict[str, object]) -> dict[str, object]:
            data = dict(data)
            data["friendly_name"] = data.pop("name")
            return data

        await store.append("tenant-2", [codec.new_event(TenantCreated("t2", "Beta", "pro"), tenant_id="t2")])
        first, second = await store.read_all()
        assert (first.schema_version, second.schema_version) == (1, 2)
        assert codec.decode(first) == TenantCreated("t1", "Acme")
        assert codec.decode(second) == TenantCreated("t2", "Beta", "pro")
        assert first.type == "tenant.created"
    finally:
        await store.close()


def test_codec_errors_are_the_stores_own() -> None:
    codec = Codec()
    codec.register(TenantCreated, schema_version=3)
    from eventstore import RecordedEvent

    def recorded(type_: str, version: int, data: bytes) -> RecordedEvent:
        return RecordedEvent(
            position=1, stream_id="s", stream_version=1, event_id="e", type=type_, schema_version=version,
            tenant_id="", correlation_id="", causation_id="", recorded_at_us=0, data=data, metadata=b"{}",
        )  # fmt: skip

    with pytest.raises(UnknownEventType):
        codec.decode(recorded("nope", 1, b"{}"))
    with pytest.raises(CodecError, match="no upcaster"):
        codec.decode(recorded("tenant.created", 1, b'{"tenant_id":"t","friendly_name":"x"}'))
    with pytest.raises(CodecError, match="newer"):
        codec.decode(recorded("tenant.created", 4, b"{}"))
    with pytest.raises(CodecError, match="cannot decode"):
        codec.decode(recorded("tenant.created", 3, b'{"tenant_id": 5}'))
    with pytest.raises(UnknownEventType):
        codec.new_event(TenantCreatedV1("a", "b"))
    with pytest.raises(CodecError):
        codec.register(TenantCreatedV1)


def test_sqlite_urls_follow_sqlalchemy() -> None:
    assert sqlite_path("sqlite:///twin.db") == "twin.db"
    assert sqlite_path("sqlite:////var/lib/twin.db?synchronous=NORMAL") == "/var/lib/twin.db"
    assert sqlite_path("data/twin.db") == "data/twin.db"
    with pytest.raises(InvalidStoreURL):
        sqlite_path("sqlite://host/twin.db")
    assert redact_url("postgresql://u:secret@h/db") == "postgresql://u:***@h/db"


@pytest.mark.parametrize(
    "url",
    [
        "mysql://localhost/db",
        "sqlite:///{tmp}/x.db?pool_size=3",
        "sqlite:///{tmp}/x.db?group_commit=maybe",
        "sqlite:///{tmp}/x.db?synchronous=OFF",
        "sqlite:///{tmp}/x.db?bogus=1",
        "postgresql://postgres@127.0.0.1/test?schema=Bad-Name",
    ],
)
async def test_bad_store_urls_raise_invalid_store_url(url: str, tmp_path: Path) -> None:
    with pytest.raises(InvalidStoreURL):
        await open_store(url.replace("{tmp}", str(tmp_path)))


async def test_store_options_from_url_and_keywords(tmp_path: Path) -> None:
    store = await open_store(f"sqlite:///{tmp_path}/o.db?max_batch=7&poll_interval_ms=30", group_commit=False)
    try:
        assert store.poll_interval_s == pytest.approx(0.03)
        assert store.group_commit is False
        await store.append("s", [NewEvent(type="t", data=b"{}")])
    finally:
        await store.close()
