"""Thinking blocks: synthetic reasoning text, and signatures the twin can verify when echoed back.

A signature is base64 of::

    magic (4: 0x12 0x00 "TW") | digest (16: sha256 of the full thinking) | flags (1) | origin (16) | mac (32) | padding (64)

`origin = HMAC(key, "origin" | head)` proves the twin issued it; `mac = HMAC(key, "text" | head |
shown text)` binds it to the text the client was shown (the empty string when `display` is
`"omitted"`); the padding (derived from the mac) gives it the length of a real one. A
redacted_thinking block's `data` has the same shape with magic 0x22 0x00 "TW" and no text.

Echoed blocks are checked like the real API does (reference §3.4; issue threads show the
wording). A block whose signature carries the twin's magic must verify: a forged or damaged one
gives ``messages.N.content.M: Invalid `signature` in `thinking` block``; a genuine one over edited
text, in the latest assistant message, gives ``messages.N.content.M: `thinking` or
`redacted_thinking` blocks in the latest assistant message cannot be modified. These blocks must
remain as they were in the original response.`` (older messages: the invalid-signature wording).
A signature that is not base64 of at least 32 bytes is invalid too. One that is (but lacks the
magic) cannot be checked: it may come from the real API, which would accept its own, so a
conversation recorded against the real service replays unchanged (a documented difference). A
bad `redacted_thinking.data` gives ``Invalid `data` in `redacted_thinking` block`` (wording chosen
by analogy).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import random
from collections.abc import Sequence

from twin.wire.errors import ApiError, invalid_request
from twin.wire.params import RedactedThinkingParam, ThinkingParam
from twin.wire.request import InputMessage

from .text import pick_three

__all__ = [
    "REDACTED_THINKING_TRIGGER",
    "redacted_data",
    "sign_thinking",
    "thinking_words",
    "verify_echoed_thinking",
]

#: The documented test string that makes the real API return a redacted_thinking block.
REDACTED_THINKING_TRIGGER = (
    "ANTHROPIC_MAGIC_STRING_TRIGGER_REDACTED_THINKING_46C9A13E193C177646C7398A98432ECCCE4C1253D5E2D82641AC0E52CC2876CB"
)

_THINKING_MAGIC = b"\x12\x00TW"
_REDACTED_MAGIC = b"\x22\x00TW"
_OMITTED = 0x01
_HEAD = 4 + 16 + 1
_SIZE = _HEAD + 16 + 32 + 64
_FOREIGN_MIN = 32


def _mac(key: bytes, *parts: bytes) -> bytes:
    return hmac.new(key, b"\x00".join(parts), hashlib.sha256).digest()


def _seal(key: bytes, magic: bytes, digest: bytes, flags: int, shown: str) -> str:
    head = magic + digest + bytes([flags])
    origin = _mac(key, b"origin", head)[:16]
    mac = _mac(key, b"text", head, shown.encode())
    padding = hashlib.sha256(mac + b"1").digest() + hashlib.sha256(mac + b"2").digest()
    return base64.b64encode(head + origin + mac + padding).decode()


def sign_thinking(key: bytes, thinking: str, *, shown: str) -> str:
    """The signature of a thinking block whose full text is `thinking` and whose shown text is `shown`."""
    digest = hashlib.sha256(thinking.encode()).digest()[:16]
    return _seal(key, _THINKING_MAGIC, digest, 0 if shown else _OMITTED, shown)


def redacted_data(key: bytes, thinking: str) -> str:
    """The opaque `data` of a redacted_thinking block hiding `thinking`."""
    return _seal(key, _REDACTED_MAGIC, hashlib.sha256(thinking.encode()).digest()[:16], 0, "")


def _check(key: bytes, sealed: str, magic: bytes, shown: str) -> str:
    """ "ok", "unverifiable" (not the twin's format), "invalid" or "modified" (the twin's, other text)."""
    try:
        raw = base64.b64decode(sealed, validate=True)
    except (binascii.Error, ValueError):
        return "invalid"
    if not raw.startswith(magic):
        return "unverifiable" if len(raw) >= _FOREIGN_MIN else "invalid"
    if len(raw) != _SIZE:
        return "invalid"
    head, origin, mac, padding = raw[:_HEAD], raw[_HEAD : _HEAD + 16], raw[_HEAD + 16 : _HEAD + 48], raw[_HEAD + 48 :]
    if not hmac.compare_digest(origin, _mac(key, b"origin", head)[:16]):
        return "invalid"
    if padding != hashlib.sha256(mac + b"1").digest() + hashlib.sha256(mac + b"2").digest():
        return "invalid"
    return "ok" if hmac.compare_digest(mac, _mac(key, b"text", head, shown.encode())) else "modified"


_ACCEPTED = ("ok", "unverifiable")


def verify_echoed_thinking(messages: Sequence[InputMessage], key: bytes) -> None:
    """Reject thinking / redacted_thinking blocks that the twin did not issue, or that were edited.

    Raises:
        ApiError: 400 ``invalid_request_error`` with the real API's wording.
    """
    latest = max((index for index, message in enumerate(messages) if message.role == "assistant"), default=-1)
    for index, message in enumerate(messages):
        if message.role != "assistant" or isinstance(message.content, str):
            continue
        for position, block in enumerate(message.content):
            if isinstance(block, ThinkingParam):
                verdict = _check(key, block.signature, _THINKING_MAGIC, block.thinking)
                if verdict not in _ACCEPTED:
                    raise _thinking_error(index, position, verdict == "modified" and index == latest)
            elif (
                isinstance(block, RedactedThinkingParam)
                and _check(key, block.data, _REDACTED_MAGIC, "") not in _ACCEPTED
            ):
                if index == latest:
                    raise _thinking_error(index, position, True)
                raise invalid_request(
                    f"messages.{index}.content.{position}: Invalid `data` in `redacted_thinking` block"
                )


def _thinking_error(index: int, position: int, modified: bool) -> ApiError:
    loc = f"messages.{index}.content.{position}"
    if modified:
        return invalid_request(
            f"{loc}: `thinking` or `redacted_thinking` blocks in the latest assistant message cannot be modified. "
            "These blocks must remain as they were in the original response."
        )
    return invalid_request(f"{loc}: Invalid `signature` in `thinking` block")


_STEPS = [
    "Let me think about what is being asked.",
    "The request mentions {a} and {b}.",
    "I should consider how {a} relates to {b}.",
    "A short, direct answer seems best here.",
    "First, recall what matters about {a}.",
    "Then check whether {b} changes anything.",
    "There may be an edge case around {c}.",
    "I will structure the reply clearly.",
    "The key point is probably {a}.",
    "Let me double-check the reasoning about {c}.",
]


def thinking_words(prompt_words: Sequence[str], rng: random.Random, budget: int) -> list[str]:
    """Synthetic reasoning as word tokens (each about one token), at most `budget` of them."""
    topics = list(prompt_words) or ["the question", "the context", "the answer"]
    length = min(budget, rng.randint(24, 90))
    words: list[str] = []
    while len(words) < length:
        a, b, c = pick_three(topics, rng)
        step = rng.choice(_STEPS).format(a=a, b=b, c=c)
        words.extend(step.split())
    return words[:length]
