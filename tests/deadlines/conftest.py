"""Fixtures of the guarantee's tests (``tests/deadlines/support.py``)."""

from tests.deadlines.support import guarantee

__all__ = ["guarantee"]
