"""The codec for the twin's events (shared by the writers in twin/ and the projections)."""

from __future__ import annotations

from functools import cache

from eventstore import Codec
from twin.events import ALL_EVENTS


@cache
def twin_codec() -> Codec:
    """Every twin event type registered under its tag; add upcasters here when a type breaks."""
    codec = Codec()
    for event_type in ALL_EVENTS:
        codec.register(event_type)
    return codec
