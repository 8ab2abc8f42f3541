"""Identifiers in the real API's formats: `msg_`, `req_`, `toolu_` ... + 24 base58-looking chars.

Real ids (2025-2026) are the prefix plus 24 characters that start with `011C`; after the first
character only the base58 alphabet appears. Ids are random, hence unique, even when the
content they name is deterministic.
"""

from __future__ import annotations

import os

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_BODY = 20
_TO_ALPHABET = bytes(ord(_ALPHABET[byte % 58]) for byte in range(256))
_POOL_SIZE = 64 * 1024


class _RandomPool:
    """Random bytes from the OS, fetched 64 KiB at a time (one syscall per ~3,000 ids).

    The pool is dropped in a forked child, so that two worker processes never share bytes. Ids
    are minted on the event loop thread only (the pool is not meant for concurrent threads).
    """

    def __init__(self) -> None:
        self._buffer = b""
        self._at = 0

    def take(self, count: int) -> bytes:
        if self._at + count > len(self._buffer):
            self._buffer = os.urandom(_POOL_SIZE)
            self._at = 0
        start = self._at
        self._at = start + count
        return self._buffer[start : self._at]

    def reset(self) -> None:
        self._buffer = b""
        self._at = 0


_pool = _RandomPool()
os.register_at_fork(after_in_child=_pool.reset)


def _suffix() -> str:
    return "011C" + _pool.take(_BODY).translate(_TO_ALPHABET).decode("ascii")


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
