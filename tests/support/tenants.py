"""Tenants and API keys minted over HTTP, the way a user bootstraps the twin."""

from __future__ import annotations

from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class Tenant:
    base_url: str
    tenant_id: str
    secret: str

    @property
    def basic(self) -> tuple[str, str]:
        return (self.tenant_id, self.secret)

    def mint_key(self, friendly_name: str = "test") -> str:
        """A fresh API key of this tenant."""
        return self.mint_account(friendly_name)["api_key"]

    def mint_account(self, friendly_name: str = "test") -> dict[str, str]:
        response = httpx.post(
            f"{self.base_url}/_twin/accounts",
            auth=self.basic,
            json={"kind": "api_key", "friendly_name": friendly_name},
            timeout=30,
        )
        assert response.status_code == 201, response.text
        account: dict[str, str] = response.json()
        return account

    def get(self, path: str, **params: str | int) -> httpx.Response:
        return httpx.get(f"{self.base_url}{path}", auth=self.basic, params=params, timeout=30)


def create_tenant(base_url: str, friendly_name: str = "test") -> Tenant:
    response = httpx.post(f"{base_url}/_twin/tenants", json={"friendly_name": friendly_name}, timeout=30)
    assert response.status_code == 201, response.text
    body = response.json()
    return Tenant(base_url, body["tenant_id"], body["tenant_secret"])


def new_api_key(base_url: str) -> str:
    """A key of a brand-new tenant: the usual way a test isolates itself on a shared server."""
    return create_tenant(base_url).mint_key()
