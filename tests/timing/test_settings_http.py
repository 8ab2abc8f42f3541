"""GET/PATCH /_twin/tenant/settings over HTTP against the real server (tenant Basic auth)."""

from __future__ import annotations

import httpx
import pytest

from tests.support.server import TwinServer
from tests.support.tenants import Tenant, create_tenant

PROFILE = {"ttft_ms": 150.0, "tokens_per_second": 40.0, "jitter_ms": 2.5}


@pytest.fixture
def tenant(twin: TwinServer) -> Tenant:
    return create_tenant(twin.base_url)


@pytest.fixture
def settings_url(twin: TwinServer) -> str:
    return f"{twin.base_url}/_twin/tenant/settings"


def test_default_is_no_profile(settings_url: str, tenant: Tenant) -> None:
    response = httpx.get(settings_url, auth=tenant.basic)
    assert response.status_code == 200
    assert response.json() == {"timing_profile": None}


def test_patch_then_get_then_clear(settings_url: str, tenant: Tenant) -> None:
    response = httpx.patch(settings_url, auth=tenant.basic, json={"timing_profile": PROFILE})
    assert response.status_code == 200, response.text
    assert response.json() == {"timing_profile": PROFILE}
    assert httpx.get(settings_url, auth=tenant.basic).json() == {"timing_profile": PROFILE}
    partial = httpx.patch(settings_url, auth=tenant.basic, json={"timing_profile": {"ttft_ms": 10}})
    assert partial.json() == {"timing_profile": {"ttft_ms": 10.0, "tokens_per_second": None, "jitter_ms": 0.0}}
    cleared = httpx.patch(settings_url, auth=tenant.basic, json={"timing_profile": None})
    assert cleared.json() == {"timing_profile": None}
    assert httpx.get(settings_url, auth=tenant.basic).json() == {"timing_profile": None}


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (b"{", "malformed JSON"),
        (b"[]", "invalid request body"),
        (b"{}", "no setting"),
        (b'{"speed": 1}', "unknown setting"),
        (b'{"timing_profile": 5}', "object or null"),
        (b'{"timing_profile": {"ttft_ms": -1}}', "ttft_ms"),
        (b'{"timing_profile": {"ttft_ms": 1e12}}', "ttft_ms"),
        (b'{"timing_profile": {"tokens_per_second": 0}}', "tokens_per_second"),
        (b'{"timing_profile": {"ttft_ms": "fast"}}', "ttft_ms"),
        (b'{"timing_profile": {"warp": 9}}', "warp"),
    ],
)
def test_patch_rejects_bad_input(settings_url: str, tenant: Tenant, body: bytes, fragment: str) -> None:
    response = httpx.patch(settings_url, auth=tenant.basic, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400, response.text
    assert set(response.json()) == {"error"}
    assert fragment in response.json()["error"]


def test_patch_rejects_oversize_body(settings_url: str, tenant: Tenant) -> None:
    body = b'{"timing_profile": null, "pad": "' + b"x" * 10_000 + b'"}'
    response = httpx.patch(settings_url, auth=tenant.basic, content=body, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert "error" in response.json()


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"authorization": "Bearer sk-ant-twin01-xyz"},
        {"authorization": "Basic !!!"},
        {"authorization": "Basic bm9jb2xvbg=="},  # "nocolon"
        {"authorization": "Basic bm9ib2R5OnNlY3JldA=="},  # "nobody:secret"
    ],
)
def test_requires_tenant_auth(settings_url: str, headers: dict[str, str]) -> None:
    for response in (
        httpx.get(settings_url, headers=headers),
        httpx.patch(settings_url, headers=headers, json={"timing_profile": None}),
    ):
        assert response.status_code == 401
        assert set(response.json()) == {"error"}


def test_settings_are_per_tenant_and_need_the_right_secret(settings_url: str, tenant: Tenant, twin: TwinServer) -> None:
    other = create_tenant(twin.base_url)
    assert httpx.patch(settings_url, auth=tenant.basic, json={"timing_profile": PROFILE}).status_code == 200
    assert httpx.get(settings_url, auth=other.basic).json() == {"timing_profile": None}
    assert httpx.get(settings_url, auth=(tenant.tenant_id, "wrong")).status_code == 401


def test_default_tenant_of_a_local_twin(settings_url: str) -> None:
    response = httpx.get(settings_url, auth=("default", ""))
    assert response.status_code == 200
    assert "timing_profile" in response.json()
