"""Random bytes drawn in blocks (``gateway.platform.randomness``): never handed out twice, uniform below a
limit, and a forked process never hands out its parent's bytes."""

from __future__ import annotations

import collections
import os

import pytest

from gateway.platform.randomness import random_below, random_bytes


def test_bytes_are_never_handed_out_twice_across_blocks() -> None:
    """Across several 4 kB blocks, 16-byte draws never repeat (a repeat would mean a block reused)."""
    drawn = [random_bytes(16) for _ in range(2000)]
    assert all(len(d) == 16 for d in drawn)
    assert len(set(drawn)) == len(drawn)
    assert len(random_bytes(10_000)) == 10_000  # larger than a block


def test_below_stays_in_range_and_reaches_every_value() -> None:
    counts = collections.Counter(random_below(10) for _ in range(5000))
    assert set(counts) == set(range(10))
    assert min(counts.values()) > 350  # 500 expected each; far off only if the draw were biased
    assert all(0 <= random_below(10**8) < 10**8 for _ in range(1000))
    assert random_below(1) == 0
    with pytest.raises(ValueError):
        random_below(0)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX only")
def test_a_forked_child_draws_its_own_bytes() -> None:
    """After a fork the child starts with an empty block: its next bytes are not the parent's next bytes
    (a server's workers would otherwise give out the same request IDs and reference numbers)."""
    random_bytes(1)  # a block is held before the fork
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child process
        os.write(write, random_bytes(32))
        os._exit(0)
    os.close(write)
    from_child = os.read(read, 32)
    os.close(read)
    os.waitpid(child, 0)
    assert len(from_child) == 32
    assert from_child != random_bytes(32)
