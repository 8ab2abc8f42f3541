"""Identifiers in the real API's formats: `msg_`, `req_`, `toolu_` ... + 24 base58-looking chars.

Real ids (2025-2026) are the prefix plus 24 characters that start with `011C`; after the first
character only the base58 alphabet appears. Ids are random, hence unique, even when the
content they name is deterministic.
"""

from __future__ import annotations

from eventstore.randomness import random_bytes

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BODY = 20
_TO_ALPHABET = bytes(ord(_ALPHABET[byte % 58]) for byte in range(256))


def _suffix() -> str:
    return "011C" + random_bytes(_BODY).translate(_TO_ALPHABET).decode("ascii")


def new_request_id() -> str:
    return "req_" + _suffix()


def new_message_id() -> str:
    return "msg_" + _suffix()


def new_tool_use_id() -> str:
    return "toolu_" + _suffix()


def new_server_tool_use_id() -> str:
    return "srvtoolu_" + _suffix()


def new_batch_id() -> str:
    return "msgbatch_" + _suffix()


def new_file_id() -> str:
    return "file_" + _suffix()
