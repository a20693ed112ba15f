"""Fixtures: a seeded database, its services, a REST department (``tests/applications/support.py``)."""

from tests.applications.support import catalogue, department, department_host, world

__all__ = ["catalogue", "department", "department_host", "world"]
