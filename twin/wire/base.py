"""Base classes shared by every wire Struct.

Requests are strict: an unknown key anywhere is a 400 ``<path>: Extra inputs are not
permitted``, exactly like the real API's pydantic models (``extra="forbid"``).
Responses are ordered: msgspec encodes fields in declaration order (a tagged Struct's
``type`` first), which is how the twin reproduces the real key order. Fields that the
real API leaves out of a body default to ``UNSET`` and are then never encoded.

``gc=False`` is safe for both: decoded JSON and the twin's own responses are trees,
never cycles, and it keeps large request trees out of the garbage collector.
"""

from __future__ import annotations

import msgspec

__all__ = ["RequestStruct", "ResponseStruct"]


class RequestStruct(
    msgspec.Struct,
    forbid_unknown_fields=True,
    kw_only=True,
    gc=False,
    omit_defaults=True,
    repr_omit_defaults=True,
):
    """A request-side object: unknown fields are rejected, absent ones take defaults."""


class ResponseStruct(msgspec.Struct, kw_only=True, gc=False, repr_omit_defaults=True):
    """A response-side object: every field is encoded, in order, unless it is ``UNSET``."""
