"""OS randomness fetched 64 KiB at a time: ids on the hot path without a syscall each.

`random_bytes(n)` returns bytes from `os.urandom`, read in 64 KiB blocks (one syscall per
few thousand ids; a `getrandom` call costs 5-15 µs on a busy machine). The pool is dropped in
a forked child, so that two worker processes never hand out the same bytes. It is meant for
one thread (the event loop's); ids minted on other threads should call `os.urandom`.
"""

from __future__ import annotations

import os

_POOL_SIZE = 64 * 1024


class _Pool:
    def __init__(self) -> None:
        self.buffer = b""
        self.at = 0

    def take(self, count: int) -> bytes:
        if self.at + count > len(self.buffer):
            self.buffer = os.urandom(max(_POOL_SIZE, count))
            self.at = 0
        start = self.at
        self.at = start + count
        return self.buffer[start : self.at]

    def reset(self) -> None:
        self.buffer = b""
        self.at = 0


_pool = _Pool()
os.register_at_fork(after_in_child=_pool.reset)


def random_bytes(count: int) -> bytes:
    return _pool.take(count)
