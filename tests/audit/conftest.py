"""Fixtures of the audit tests (defined in ``tests/identity/support.py``)."""

from tests.identity.support import engine, sms_provider

__all__ = ["engine", "sms_provider"]
