"""Who is calling the twin plane: the operator admin, a tenant, or nobody.

Admin: `Authorization: Bearer <token>` or `X-Twin-Admin-Token: <token>`, compared in constant
time with the configured token; no token configured means admin is off. Tenant: HTTP Basic
`tenant_id:tenant_secret`, verified against the scrypt hash. Verifying scrypt costs ~50 ms, so
a verified (tenant, secret digest) pair is remembered in memory; the digest is a keyed hash,
never the secret. In a local deployment the implicit `default` tenant has no secret: any
secret (including an empty one) is accepted for it. Provider API keys are never accepted here.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from typing import TYPE_CHECKING, Any

import msgspec
from litestar import Request

from ...security import constant_time_equal, verify_secret
from .errors import PlaneError, forbidden, unauthorized

if TYPE_CHECKING:
    from ...runtime import Runtime

ADMIN_TENANT = "__operator_admin__"
_VERIFIED_LIMIT = 10_000


class Caller(msgspec.Struct, frozen=True):
    """An authenticated twin-plane caller: a tenant (`tenant_id`) or the admin (`admin=True`)."""

    tenant_id: str
    admin: bool = False

    @property
    def log_tenant(self) -> str:
        return ADMIN_TENANT if self.admin else self.tenant_id

    def may_see(self, tenant_id: str | None) -> bool:
        return self.admin or tenant_id == self.tenant_id


class PlaneAuth:
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._admin_token = runtime.settings.admin_token
        self._verified: dict[tuple[str, bytes], None] = {}
        self._pepper = hashlib.sha256(runtime.deployment.signing_key.encode() + b"plane-auth").digest()

    async def tenant(self, request: Request[Any, Any, Any]) -> Caller:
        """The tenant named by HTTP Basic credentials, or a 401."""
        authorization = request.headers.get("authorization")
        if not authorization:
            raise unauthorized("missing credentials: use HTTP Basic tenant_id:tenant_secret")
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() != "basic":
            raise unauthorized("tenant credentials must be HTTP Basic tenant_id:tenant_secret")
        tenant_id, secret = _basic(value.strip())
        await self._check_tenant(tenant_id, secret)
        return Caller(tenant_id)

    def admin(self, request: Request[Any, Any, Any]) -> Caller | None:
        """The admin, if the request presents the admin token; None if it presents no admin token."""
        token = request.headers.get("x-twin-admin-token")
        if token is None:
            authorization = request.headers.get("authorization", "")
            scheme, _, value = authorization.partition(" ")
            if scheme.lower() != "bearer":
                return None
            token = value.strip()
        if not self._admin_token:
            raise unauthorized("admin access is disabled on this twin (no admin token configured)")
        if not constant_time_equal(token, self._admin_token):
            raise unauthorized("invalid admin token")
        return Caller(ADMIN_TENANT, admin=True)

    async def tenant_or_admin(self, request: Request[Any, Any, Any]) -> Caller:
        admin = self.admin(request)
        return admin if admin is not None else await self.tenant(request)

    async def _check_tenant(self, tenant_id: str, secret: str) -> None:
        directory = self.runtime.directory
        record = directory.tenant(tenant_id)
        if record is None:
            await self.runtime.memory.refresh()  # created a moment ago on another worker?
            record = directory.tenant(tenant_id)
        if record is None:
            if tenant_id == "default" and self.runtime.settings.hosted:
                raise forbidden("the `default` tenant does not exist on a hosted twin")
            raise unauthorized("invalid tenant credentials")
        if not record.secret_hash:  # the implicit local `default` tenant
            return
        digest = hmac.new(self._pepper, f"{tenant_id}\0{secret}".encode(), hashlib.sha256).digest()
        if (tenant_id, digest) in self._verified:
            return
        if not verify_secret(secret, record.secret_hash):
            raise unauthorized("invalid tenant credentials")
        if len(self._verified) >= _VERIFIED_LIMIT:
            self._verified.clear()
        self._verified[(tenant_id, digest)] = None


def _basic(value: str) -> tuple[str, str]:
    try:
        decoded = base64.b64decode(value, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise unauthorized("malformed HTTP Basic credentials") from exc
    tenant_id, colon, secret = decoded.partition(":")
    if not colon or not tenant_id:
        raise unauthorized("malformed HTTP Basic credentials: expected tenant_id:tenant_secret")
    return tenant_id, secret


def plane_auth(request: Request[Any, Any, Any]) -> PlaneAuth:
    auth: PlaneAuth = request.app.state.plane_auth
    return auth


__all__ = ["ADMIN_TENANT", "Caller", "PlaneAuth", "PlaneError", "plane_auth"]
