"""Secrets: generation, slow hashes for tenant secrets, fast hashes for API keys, masking.

Tenant secrets are stored as scrypt hashes (slow on purpose); API keys as SHA-256 (they are
long random strings, and the hot path looks them up on every request). Comparisons are
constant-time. Neither secret is ever logged or recorded: events carry only hashes and hints.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets

API_KEY_PREFIX = "sk-ant-twin01-"
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


def new_tenant_secret() -> str:
    return secrets.token_urlsafe(32)


def new_api_key() -> str:
    return API_KEY_PREFIX + secrets.token_urlsafe(48)


def hash_secret(secret: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(secret.encode(), salt=salt, dklen=32, **_SCRYPT)
    return "scrypt${n}${r}${p}${salt}${digest}".format(
        **_SCRYPT, salt=base64.b64encode(salt).decode(), digest=base64.b64encode(digest).decode()
    )


def verify_secret(secret: str, stored: str) -> bool:
    try:
        scheme, n, r, p, salt, digest = stored.split("$")
    except ValueError:
        return False
    if scheme != "scrypt":
        return False
    candidate = hashlib.scrypt(secret.encode(), salt=base64.b64decode(salt), dklen=32, n=int(n), r=int(r), p=int(p))
    return hmac.compare_digest(candidate, base64.b64decode(digest))


def hash_api_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def constant_time_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())


def mask_key(key: str) -> str:
    """What listings and logs show of a key: its prefix and last four characters."""
    return f"{key[: len(API_KEY_PREFIX)]}…{key[-4:]}" if len(key) > len(API_KEY_PREFIX) + 8 else "…"
