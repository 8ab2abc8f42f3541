"""Fixtures of the provider-surface tests: one API key per backend's shared server, SDK clients."""

from __future__ import annotations

from collections.abc import Iterator

import anthropic
import pytest

from tests.support.server import TwinServer
from tests.support.tenants import Tenant, create_tenant

from .helpers import Wire


@pytest.fixture(scope="session")
def tenant(twin: TwinServer) -> Tenant:
    return create_tenant(twin.base_url, "provider-tests")


@pytest.fixture(scope="session")
def api_key(tenant: Tenant) -> str:
    return tenant.mint_key("provider-tests")


@pytest.fixture
def client(twin: TwinServer, api_key: str) -> Iterator[anthropic.Anthropic]:
    """SDK 2.x: ``Authorization: Bearer`` and ``anthropic-version: 2026-10-21``; no retries."""
    with anthropic.Anthropic(api_key=api_key, base_url=twin.base_url, max_retries=0) as sdk:
        yield sdk


@pytest.fixture
def wire(twin: TwinServer, api_key: str) -> Iterator[Wire]:
    with Wire(twin, api_key) as raw:
        yield raw
