"""Fixtures of the rate-limit tests (defined in ``tests/identity/support.py``)."""

from tests.identity.support import db_url, engine, sms_provider

__all__ = ["db_url", "engine", "sms_provider"]
