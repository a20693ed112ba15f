"""Fixtures of the grievance tests (``tests/grievances/support.py``)."""

from tests.grievances.support import desk

__all__ = ["desk"]
