"""The durable views the twin maintains."""

from __future__ import annotations

from .base import Projection


def durable_projections() -> list[Projection]:
    return []
