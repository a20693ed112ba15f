"""Fixtures: a seeded database, its services, a REST department (``tests/applications/support.py``)."""

from tests.applications.support import catalogue, department, department_host, world
from tests.delivery.support import make_worker

__all__ = ["catalogue", "department", "department_host", "make_worker", "world"]
