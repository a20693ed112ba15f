"""Random bytes from the operating system, drawn in blocks.

``os.urandom`` is a system call that lets go of the interpreter's lock: on a busy server another thread
takes the lock and the request waits to get it back, for two bytes' worth of work. A request ID and a
reference number each need a few bytes, so they are taken from a block of 4 kB drawn at once. The bytes
are the operating system's own (a CSPRNG): a block is never reused, and a forked process (a server's
worker) starts with an empty one, so two processes never hand out the same bytes.
"""

from __future__ import annotations

import os
import threading

__all__ = ["random_below", "random_bytes"]

_BLOCK = 4096


class _Pool:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.block = b""
        self.at = 0

    def take(self, n: int) -> bytes:
        with self.lock:
            if self.at + n > len(self.block):
                self.block = os.urandom(max(_BLOCK, n))
                self.at = 0
            start = self.at
            self.at += n
            return self.block[start : self.at]

    def forget(self) -> None:
        self.block = b""
        self.at = 0
        self.lock = threading.Lock()  # a lock held at the fork stays held in the child otherwise


_pool = _Pool()
os.register_at_fork(after_in_child=_pool.forget)


def random_bytes(n: int) -> bytes:
    """``n`` random bytes, as ``os.urandom(n)`` gives them."""
    return _pool.take(n)


def random_below(limit: int) -> int:
    """A uniformly random integer in ``[0, limit)``, as ``secrets.randbelow`` gives it (rejection sampling
    on the fewest bits that hold ``limit - 1``)."""
    if limit <= 0:
        raise ValueError("limit must be positive")
    bits = (limit - 1).bit_length()
    size = (bits + 7) // 8
    mask = (1 << bits) - 1
    while True:
        value = int.from_bytes(_pool.take(size), "big") & mask
        if value < limit:
            return value
