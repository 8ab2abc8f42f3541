"""Identifiers in the real API's formats: `msg_`, `req_`, `toolu_` ... + 24 base58-looking chars.

Real ids (2025-2026) are the prefix plus 24 characters that start with `011C`; after the first
character only the base58 alphabet appears. Ids are unique even when the content they name is
deterministic: after `011C` come 7 characters of the creation time (milliseconds, base58, whose
alphabet is in ASCII order) and 13 random ones. So ids sort by creation time, and the store's
index on stream ids (`request-<request id>`) grows at its right edge instead of taking every
insert on a random page.
"""

from __future__ import annotations

import time

from eventstore.randomness import random_bytes

_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_TIME_CHARS = 7  # 58**7 ms: about 70 years
_RANDOM = 13
_TO_ALPHABET = bytes(ord(_ALPHABET[byte % 58]) for byte in range(256))
_last_time: tuple[int, str] = (-1, "")


def _time_part() -> str:
    global _last_time
    ms = time.time_ns() // 1_000_000
    if ms == _last_time[0]:
        return _last_time[1]
    chars = []
    value = ms
    for _ in range(_TIME_CHARS):
        value, digit = divmod(value, 58)
        chars.append(_ALPHABET[digit])
    text = "".join(reversed(chars))
    _last_time = (ms, text)
    return text


def _suffix() -> str:
    return "011C" + _time_part() + random_bytes(_RANDOM).translate(_TO_ALPHABET).decode("ascii")


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
