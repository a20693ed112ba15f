"""Fixtures: a seeded database, its services, a REST department (``tests/applications/support.py``)."""

from tests.applications.support import catalogue, db_url, department, department_server, world

__all__ = ["catalogue", "db_url", "department", "department_server", "world"]
