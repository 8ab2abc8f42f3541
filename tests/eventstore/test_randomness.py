"""Pooled randomness: distinct bytes on every call, and a forked child never repeats its parent's."""

from __future__ import annotations

import os

from eventstore.randomness import random_bytes


def test_calls_never_overlap_across_refills() -> None:
    seen = {random_bytes(20) for _ in range(10_000)}  # several 64 KiB refills
    assert len(seen) == 10_000


def test_a_forked_child_draws_its_own_bytes() -> None:
    random_bytes(1)  # the parent's pool is filled
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.write(write, random_bytes(32))
        os._exit(0)
    os.waitpid(pid, 0)
    child = os.read(read, 32)
    os.close(read)
    os.close(write)
    assert child != random_bytes(32)
