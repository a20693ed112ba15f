"""Structs of the audit trail endpoints."""

from __future__ import annotations

from typing import Any

import msgspec

__all__ = ["AuditEntryOut", "AuditPage", "ChainReport"]


class AuditEntryOut(msgspec.Struct, kw_only=True):
    seq: int
    at: str
    actor: str
    role: str
    action: str
    target: str
    client_ip: str
    request_id: str
    reason: str
    details: dict[str, Any]
    prev_hash: str
    hash: str


class AuditPage(msgspec.Struct, kw_only=True):
    """Entries oldest first; ask again with ``after=next_after`` for more."""

    items: list[AuditEntryOut]
    next_after: int | None


class ChainReport(msgspec.Struct, kw_only=True, omit_defaults=True):
    """The verdict on the whole trail; when ``ok`` is false, ``first_broken`` names the entry."""

    ok: bool
    entries: int
    head_seq: int
    head_hash: str
    first_broken: int | None = None
    problem: str | None = None
