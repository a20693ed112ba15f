"""Fixtures of the identity tests (defined in ``tests/identity/support.py``)."""

from tests.identity.support import engine, shared, sms_provider

__all__ = ["engine", "shared", "sms_provider"]
