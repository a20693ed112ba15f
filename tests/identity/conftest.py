"""Fixtures of the identity tests (defined in ``tests/identity/support.py``)."""

from tests.identity.support import db_url, engine, shared, sms_provider

__all__ = ["db_url", "engine", "shared", "sms_provider"]
